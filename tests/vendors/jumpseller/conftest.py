"""The hook fixture both Jumpseller hook test modules use: a FastJumpseller on the sandbox."""

import pytest

from puente_sandbox.credentials import DEFAULT_AUTHTOKEN, DEFAULT_LOGIN

from .fast_hook import FastJumpseller


@pytest.fixture
def hook(jumpseller_sandbox, set_conn, limiter) -> FastJumpseller:
    set_conn("js_sb", conn_type="jumpseller", host=jumpseller_sandbox.base_url, login=DEFAULT_LOGIN,
             password=DEFAULT_AUTHTOKEN)
    return FastJumpseller("js_sb", limiter=limiter)
