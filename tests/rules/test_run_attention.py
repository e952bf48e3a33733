"""Which of a run's orders wait for a person, and the one line the needs_attention task fails with."""

from puente.rules.run_attention import attention_message, orders_needing_a_person


def test_every_error_category_but_transient_and_uncertain_sends_need_a_person():
    counts = {"invoiced": 9, "error": 4, "uncertain": 1, "failed": 5, "error:unlinked_sku": 2, "error:no_stock": 1,
              "error:transient": 1, "error:uncertain": 1, "error:client_incomplete": 0}
    needing = orders_needing_a_person(counts)
    assert needing == {"no_stock": 1, "uncertain": 1, "unlinked_sku": 2}
    assert attention_message("acme", needing) == (
        "4 orders need a person (1 no_stock, 1 uncertain, 2 unlinked_sku): Puente operations /puente/ops "
        "(tenant acme), or `puente orders list acme --status error`")
    assert attention_message("acme", {"serial_required": 1}).startswith("1 order needs a person (1 serial_required)")


def test_a_run_with_only_transient_errors_or_none_needs_nobody():
    assert attention_message("acme", orders_needing_a_person({"invoiced": 3, "error:transient": 2})) is None
    assert attention_message("acme", orders_needing_a_person({})) is None
