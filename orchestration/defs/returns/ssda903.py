"""The SSDA903 return's asset key, for the assets that run after it (its asset: factory.py)."""

from orchestration.defs.returns.factory import check_name, return_key

RETURN_KEY = return_key("ssda903")
CHECK_NAME = check_name("ssda903")
