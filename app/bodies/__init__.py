"""Bodies: the administrations and operators responsible for fixing what is reported."""
