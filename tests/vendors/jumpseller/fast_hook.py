"""JumpsellerHook with test-speed backoff, for the hook tests of this folder."""

from puente.vendors.jumpseller.hook import JumpsellerHook


class FastJumpseller(JumpsellerHook):
    backoff_base = 0.01
    backoff_max = 0.02
    default_rate_limit_wait = 0.05
