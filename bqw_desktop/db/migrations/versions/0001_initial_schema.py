"""initial schema

Revision ID: 0001
Revises: 
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('attachment_links',
    sa.Column('record_type', sa.String(length=32), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('caption', sa.String(length=200), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment_links'))
    )
    with op.batch_alter_table('attachment_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_links_owner_office'), ['owner_office'], unique=False)
        batch_op.create_index('ix_attachment_links_record', ['record_type', 'record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_links_sha256'), ['sha256'], unique=False)

    op.create_table('attachments',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('stored_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_attachments'))
    )
    op.create_table('audit_log',
    sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('office', sa.String(length=16), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('record_type', sa.String(length=32), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_log'))
    )
    op.create_table('campaigns',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('select_by', sa.Date(), nullable=False),
    sa.Column('creation_start', sa.Date(), nullable=False),
    sa.Column('creation_end', sa.Date(), nullable=False),
    sa.Column('assess_by', sa.Date(), nullable=False),
    sa.Column('reeval_months', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns'))
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaigns_owner_office'), ['owner_office'], unique=False)

    op.create_table('exchange_conflicts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('record_type', sa.String(length=32), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('owner_office', sa.String(length=32), nullable=False),
    sa.Column('sender_code', sa.String(length=32), nullable=False),
    sa.Column('site_name', sa.String(length=200), nullable=False),
    sa.Column('local', sa.Text(), nullable=False),
    sa.Column('incoming', sa.Text(), nullable=False),
    sa.Column('incoming_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('resolution', sa.String(length=16), nullable=False),
    sa.Column('detected_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_by', sa.String(length=64), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_conflicts'))
    )
    with op.batch_alter_table('exchange_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_conflicts_record_id'), ['record_id'], unique=False)

    op.create_table('import_reports',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('sender_code', sa.String(length=32), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_reports'))
    )
    op.create_table('key_rotations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('office_code', sa.String(length=32), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_rotations')),
    sa.UniqueConstraint('office_code', 'sequence', name=op.f('uq_key_rotations_office_code'))
    )
    with op.batch_alter_table('key_rotations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_key_rotations_office_code'), ['office_code'], unique=False)

    op.create_table('meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_meta'))
    )
    op.create_table('office_keys',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('office_code', sa.String(length=32), nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('voucher_code', sa.String(length=32), nullable=True),
    sa.Column('rotation', sa.Integer(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('registered_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_keys')),
    sa.UniqueConstraint('office_code', 'public_key', name=op.f('uq_office_keys_office_code'))
    )
    with op.batch_alter_table('office_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_office_keys_office_code'), ['office_code'], unique=False)

    op.create_table('offices',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('tier', sa.String(length=16), nullable=False),
    sa.Column('parent_code', sa.String(length=16), nullable=True),
    sa.Column('public_key', sa.LargeBinary(), nullable=True),
    sa.Column('fingerprint', sa.String(length=40), nullable=False),
    sa.Column('is_self', sa.Boolean(), nullable=False),
    sa.Column('trust', sa.String(length=16), nullable=False),
    sa.Column('registered_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_offices'))
    )
    op.create_table('org_counts',
    sa.Column('unit_code', sa.String(length=16), nullable=False),
    sa.Column('organizations', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_counts'))
    )
    with op.batch_alter_table('org_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_counts_owner_office'), ['owner_office'], unique=False)
        batch_op.create_index(batch_op.f('ix_org_counts_unit_code'), ['unit_code'], unique=False)

    op.create_table('package_history',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('sender_code', sa.String(length=32), nullable=False),
    sa.Column('recipient_code', sa.String(length=32), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('record_count', sa.Integer(), nullable=False),
    sa.Column('attachment_count', sa.Integer(), nullable=False),
    sa.Column('counts', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('acked_sequence', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_package_history'))
    )
    with op.batch_alter_table('package_history', schema=None) as batch_op:
        batch_op.create_index('ix_package_history_peer', ['direction', 'sender_code', 'recipient_code'], unique=False)

    op.create_table('peer_attachments',
    sa.Column('peer_code', sa.String(length=32), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('peer_code', 'sha256', name=op.f('pk_peer_attachments'))
    )
    op.create_table('people',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('unit', sa.String(length=200), nullable=False),
    sa.Column('post', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_owner_office'), ['owner_office'], unique=False)

    op.create_table('probable_duplicates',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('local_site_id', sa.String(length=36), nullable=False),
    sa.Column('incoming_site_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('region_code', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('detected_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_by', sa.String(length=64), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_probable_duplicates'))
    )
    with op.batch_alter_table('probable_duplicates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_probable_duplicates_incoming_site_id'), ['incoming_site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_probable_duplicates_local_site_id'), ['local_site_id'], unique=False)

    op.create_table('record_signatures',
    sa.Column('record_type', sa.String(length=32), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('record_type', 'record_id', name=op.f('pk_record_signatures'))
    )
    op.create_table('sites',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('org_type', sa.String(length=16), nullable=False),
    sa.Column('org_kind', sa.String(length=16), nullable=True),
    sa.Column('region_code', sa.String(length=16), nullable=False),
    sa.Column('parent_org', sa.String(length=200), nullable=False),
    sa.Column('secretary', sa.String(length=50), nullable=False),
    sa.Column('member_count', sa.Integer(), nullable=True),
    sa.Column('contact', sa.String(length=50), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('search_key', sa.Text(), nullable=False),
    sa.Column('ticks_rated', sa.Integer(), nullable=False),
    sa.Column('ticks_met', sa.Integer(), nullable=False),
    sa.Column('ticks_total', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sites'))
    )
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sites_org_type'), ['org_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_sites_owner_office'), ['owner_office'], unique=False)
        batch_op.create_index(batch_op.f('ix_sites_region_code'), ['region_code'], unique=False)

    op.create_table('units',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('parent_code', sa.String(length=16), nullable=True),
    sa.Column('tier', sa.String(length=16), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units'))
    )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_units_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_units_owner_office'), ['owner_office'], unique=False)

    op.create_table('assignments',
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_assignments_person_id_people'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_assignments_site_id_sites'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments'))
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignments_owner_office'), ['owner_office'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_site_id'), ['site_id'], unique=False)

    op.create_table('candidacies',
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('campaign_id', sa.String(length=36), nullable=True),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('registrant_tier', sa.String(length=16), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=True),
    sa.Column('achievements', sa.Text(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_candidacies_campaign_id_campaigns'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_candidacies_site_id_sites'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidacies'))
    )
    with op.batch_alter_table('candidacies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidacies_owner_office'), ['owner_office'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidacies_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidacies_status'), ['status'], unique=False)

    op.create_table('ledger_entries',
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('subkind', sa.String(length=32), nullable=False),
    sa.Column('entry_date', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=True),
    sa.Column('participants', sa.Text(), nullable=False),
    sa.Column('outlet', sa.String(length=200), nullable=False),
    sa.Column('honour_level', sa.String(length=16), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_ledger_entries_site_id_sites'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_entries_owner_office'), ['owner_office'], unique=False)
        batch_op.create_index('ix_ledger_site_kind', ['site_id', 'kind'], unique=False)

    op.create_table('quotas',
    sa.Column('campaign_id', sa.String(length=36), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('unit_code', sa.String(length=16), nullable=False),
    sa.Column('organizations', sa.Integer(), nullable=False),
    sa.Column('exact_share', sa.String(length=40), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_quotas_campaign_id_campaigns'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quotas'))
    )
    with op.batch_alter_table('quotas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quotas_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quotas_owner_office'), ['owner_office'], unique=False)

    op.create_table('ticks',
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('item_id', sa.String(length=40), nullable=False),
    sa.Column('catalogue_version', sa.String(length=16), nullable=False),
    sa.Column('rating', sa.String(length=8), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('note_date', sa.Date(), nullable=True),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_ticks_site_id_sites'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticks')),
    sa.UniqueConstraint('site_id', 'item_id', name=op.f('uq_ticks_site_id'))
    )
    with op.batch_alter_table('ticks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticks_owner_office'), ['owner_office'], unique=False)
        batch_op.create_index('ix_ticks_site_rating', ['site_id', 'rating'], unique=False)

    op.create_table('visits',
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('visit_date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('visitors', sa.Text(), nullable=False),
    sa.Column('observations', sa.Text(), nullable=False),
    sa.Column('problems', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_visits_site_id_sites'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits'))
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_owner_office'), ['owner_office'], unique=False)
        batch_op.create_index('ix_visits_site_date', ['site_id', 'visit_date'], unique=False)

    op.create_table('rectifications',
    sa.Column('visit_id', sa.String(length=36), nullable=False),
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('responsible', sa.String(length=100), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_rectifications_site_id_sites'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_rectifications_visit_id_visits'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectifications'))
    )
    with op.batch_alter_table('rectifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectifications_owner_office'), ['owner_office'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectifications_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectifications_visit_id'), ['visit_id'], unique=False)

    op.create_table('transitions',
    sa.Column('candidacy_id', sa.String(length=36), nullable=False),
    sa.Column('follows_id', sa.String(length=36), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('actor_tier', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('quota_override', sa.Boolean(), nullable=False),
    sa.Column('acted_on', sa.Date(), nullable=False),
    sa.Column('signature', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['candidacy_id'], ['candidacies.id'], name=op.f('fk_transitions_candidacy_id_candidacies'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['follows_id'], ['transitions.id'], name=op.f('fk_transitions_follows_id_transitions'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transitions'))
    )
    with op.batch_alter_table('transitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transitions_candidacy_id'), ['candidacy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transitions_follows_id'), ['follows_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transitions_owner_office'), ['owner_office'], unique=False)

    op.create_table('verdicts',
    sa.Column('candidacy_id', sa.String(length=36), nullable=False),
    sa.Column('item_id', sa.String(length=40), nullable=False),
    sa.Column('rating', sa.String(length=8), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['candidacy_id'], ['candidacies.id'], name=op.f('fk_verdicts_candidacy_id_candidacies'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verdicts')),
    sa.UniqueConstraint('candidacy_id', 'item_id', 'owner_office', name=op.f('uq_verdicts_candidacy_id'))
    )
    with op.batch_alter_table('verdicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verdicts_candidacy_id'), ['candidacy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_verdicts_owner_office'), ['owner_office'], unique=False)

    op.create_table('certificates',
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('candidacy_id', sa.String(length=36), nullable=False),
    sa.Column('transition_id', sa.String(length=36), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('site_name', sa.String(length=200), nullable=False),
    sa.Column('award_date', sa.Date(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('revoked', sa.Boolean(), nullable=False),
    sa.Column('revoked_reason', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['candidacy_id'], ['candidacies.id'], name=op.f('fk_certificates_candidacy_id_candidacies'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['transition_id'], ['transitions.id'], name=op.f('fk_certificates_transition_id_transitions'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('number', name=op.f('uq_certificates_number'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_candidacy_id'), ['candidacy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_owner_office'), ['owner_office'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_transition_id'), ['transition_id'], unique=False)

    op.create_table('rectification_closings',
    sa.Column('rectification_id', sa.String(length=36), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_office', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['rectification_id'], ['rectifications.id'], name=op.f('fk_rectification_closings_rectification_id_rectifications'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_closings'))
    )
    with op.batch_alter_table('rectification_closings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_closings_owner_office'), ['owner_office'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_closings_rectification_id'), ['rectification_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('rectification_closings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectification_closings_rectification_id'))
        batch_op.drop_index(batch_op.f('ix_rectification_closings_owner_office'))

    op.drop_table('rectification_closings')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_transition_id'))
        batch_op.drop_index(batch_op.f('ix_certificates_owner_office'))
        batch_op.drop_index(batch_op.f('ix_certificates_candidacy_id'))

    op.drop_table('certificates')
    with op.batch_alter_table('verdicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verdicts_owner_office'))
        batch_op.drop_index(batch_op.f('ix_verdicts_candidacy_id'))

    op.drop_table('verdicts')
    with op.batch_alter_table('transitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transitions_owner_office'))
        batch_op.drop_index(batch_op.f('ix_transitions_follows_id'))
        batch_op.drop_index(batch_op.f('ix_transitions_candidacy_id'))

    op.drop_table('transitions')
    with op.batch_alter_table('rectifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectifications_visit_id'))
        batch_op.drop_index(batch_op.f('ix_rectifications_site_id'))
        batch_op.drop_index(batch_op.f('ix_rectifications_owner_office'))

    op.drop_table('rectifications')
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visits_site_date')
        batch_op.drop_index(batch_op.f('ix_visits_owner_office'))

    op.drop_table('visits')
    with op.batch_alter_table('ticks', schema=None) as batch_op:
        batch_op.drop_index('ix_ticks_site_rating')
        batch_op.drop_index(batch_op.f('ix_ticks_owner_office'))

    op.drop_table('ticks')
    with op.batch_alter_table('quotas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quotas_owner_office'))
        batch_op.drop_index(batch_op.f('ix_quotas_campaign_id'))

    op.drop_table('quotas')
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_site_kind')
        batch_op.drop_index(batch_op.f('ix_ledger_entries_owner_office'))

    op.drop_table('ledger_entries')
    with op.batch_alter_table('candidacies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidacies_status'))
        batch_op.drop_index(batch_op.f('ix_candidacies_site_id'))
        batch_op.drop_index(batch_op.f('ix_candidacies_owner_office'))

    op.drop_table('candidacies')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignments_site_id'))
        batch_op.drop_index(batch_op.f('ix_assignments_person_id'))
        batch_op.drop_index(batch_op.f('ix_assignments_owner_office'))

    op.drop_table('assignments')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_units_owner_office'))
        batch_op.drop_index(batch_op.f('ix_units_code'))

    op.drop_table('units')
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sites_region_code'))
        batch_op.drop_index(batch_op.f('ix_sites_owner_office'))
        batch_op.drop_index(batch_op.f('ix_sites_org_type'))

    op.drop_table('sites')
    op.drop_table('record_signatures')
    with op.batch_alter_table('probable_duplicates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_probable_duplicates_local_site_id'))
        batch_op.drop_index(batch_op.f('ix_probable_duplicates_incoming_site_id'))

    op.drop_table('probable_duplicates')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_owner_office'))

    op.drop_table('people')
    op.drop_table('peer_attachments')
    with op.batch_alter_table('package_history', schema=None) as batch_op:
        batch_op.drop_index('ix_package_history_peer')

    op.drop_table('package_history')
    with op.batch_alter_table('org_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_counts_unit_code'))
        batch_op.drop_index(batch_op.f('ix_org_counts_owner_office'))

    op.drop_table('org_counts')
    op.drop_table('offices')
    with op.batch_alter_table('office_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_office_keys_office_code'))

    op.drop_table('office_keys')
    op.drop_table('meta')
    with op.batch_alter_table('key_rotations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_key_rotations_office_code'))

    op.drop_table('key_rotations')
    op.drop_table('import_reports')
    with op.batch_alter_table('exchange_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_conflicts_record_id'))

    op.drop_table('exchange_conflicts')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaigns_owner_office'))

    op.drop_table('campaigns')
    op.drop_table('audit_log')
    op.drop_table('attachments')
    with op.batch_alter_table('attachment_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_links_sha256'))
        batch_op.drop_index('ix_attachment_links_record')
        batch_op.drop_index(batch_op.f('ix_attachment_links_owner_office'))

    op.drop_table('attachment_links')

