"""Back up and restore Pavé: its database (pg_dump) and its photo files, with checksums.

Core: no Flask. `flask --app app backup create|restore` (app/backup/cli.py) calls
`create.create_backup` and `restore.restore_backup`; docs/operations.md section 4 says how to
use them.
"""
