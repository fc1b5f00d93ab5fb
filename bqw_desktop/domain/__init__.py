"""Pure rules of the campaign: no I/O, no Qt, nothing of ours imported from outside domain."""
