from tests.helpers.backup import backup, empty_target, own_source, source  # noqa: F401  (fixtures)
