from tests.helpers.backup import (  # noqa: F401  (fixtures)
    backup,
    bare_target,
    empty_target,
    own_source,
    owned_target,
    source,
)
from tests.helpers.media import s3  # noqa: F401  (fixture)
