"""Every statutory return's asset and job, from orchestration/defs/returns/factory.py."""

from orchestration.defs.returns.factory import return_definitions

defs = return_definitions()
