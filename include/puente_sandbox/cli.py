"""``python -m puente_sandbox serve``: run sandboxes in the foreground until SIGTERM/SIGINT.

Used by ``make demo`` / ``make up``, which start it in the background and poll
``/_sandbox/health``. ``--vendor all`` serves Bsale, Jumpseller and Facto from one process and
one scenario, so their SKUs line up; Jumpseller also serves ``--orders`` generated orders
(:class:`OrderScenario`, same seed). Default ports: Bsale 18081, Jumpseller 18082, Facto 18083.
Each ``--jumpseller-extra-port`` serves one more Jumpseller store (another merchant's, with its
own orders), so demo tenants never share a store. Siigo serves the CRM tenant's company on
``--siigo-port`` (18085) and, per ``--siigo-extra-port`` (the demo: 18092), one more company whose
products are the SKUs the paired Astroselling account sells (the invoicing tenant's).
Astroselling (18089, plus one account per
``--astroselling-extra-port``) and Mercado Libre (18090) serve ``--channel-orders`` recent orders;
each Astroselling account sells the SKUs of the ERP it pairs with (``--astroselling-skus-from``,
see :mod:`puente_sandbox.astroselling.pairing`). Contabilium (``--contabilium-port``, 18087) is
seeded with the scenario's SKUs; the Jumpseller stores on ``--argentine-jumpseller-port`` (default
18091, the Contabilium tenant's) sell to Argentine buyers (CUIT/DNI, ARS) instead of Chilean ones.
Alegra (``--alegra-port``, 18088) serves the default Colombian account, whose item references
(REF-0001...) the Astroselling account on 18089 sells.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import date, timedelta
from types import FrameType

from puente_sandbox.datagen import CatalogScenario
from puente_sandbox.jumpseller import DEFAULT_RATE_LIMITS
from puente_sandbox.orders_datagen import DEFAULT_DAYS, OrderScenario
from puente_sandbox.stack import Vendor, run_sandbox

VENDORS: tuple[Vendor, ...] = ("bsale", "jumpseller", "facto")
CRM_VENDORS = ("siigo", "escala")  # served by puente_sandbox.crm_stack, seeded as one merchant
CHANNEL_VENDORS = ("astroselling", "mercadolibre")  # marketplace channels with their own seeds
ARGENTINE_STORE_PORTS = [18091]  # the Contabilium demo tenant's Jumpseller store


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="puente-sandbox", description="Puente vendor API sandboxes")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve sandboxes until interrupted")
    serve.add_argument(
        "--vendor", choices=(*VENDORS, *CRM_VENDORS, *CHANNEL_VENDORS, "contabilium", "alegra", "all"), default="all"
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--bsale-port", type=int, default=18081)
    serve.add_argument("--jumpseller-port", type=int, default=18082)
    serve.add_argument("--facto-port", type=int, default=18083)
    serve.add_argument("--siigo-port", type=int, default=18085)
    serve.add_argument("--escala-port", type=int, default=18086)
    serve.add_argument("--contabilium-port", type=int, default=18087)
    serve.add_argument("--alegra-port", type=int, default=18088, help="Alegra (Colombia) account, default seed")
    serve.add_argument(
        "--argentine-jumpseller-port", type=int, action="append", default=None,
        help=f"a Jumpseller store whose buyers are Argentine (CUIT/DNI, ARS); repeatable "
        f"(default: {ARGENTINE_STORE_PORTS})",
    )
    serve.add_argument(
        "--argentine-orders", type=int, default=60,
        help="orders of each Argentine store (fewer than --orders: Contabilium's 30 requests per 10 s, kept by "
        "the hook, make each factura take a few seconds)",
    )
    serve.add_argument("--siigo-invoices", type=int, default=40, help="Siigo invoices over the last 7 days")
    serve.add_argument(
        "--siigo-extra-port", type=int, action="append", default=[],
        help="serve one more Siigo company on this port, seeded with the catalog an Astroselling account sells "
        "(SKU-0001...; the demo's invoicing tenant, 18092); repeatable",
    )
    serve.add_argument(
        "--jumpseller-extra-port", type=int, action="append", default=[],
        help="serve one more Jumpseller store (own orders, seed + n) on this port; repeatable",
    )
    serve.add_argument("--astroselling-port", type=int, default=18089)
    serve.add_argument(
        "--astroselling-extra-port", type=int, action="append", default=[],
        help="serve one more Astroselling account (own orders, seed + n) on this port; repeatable",
    )
    serve.add_argument(
        "--astroselling-skus-from", action="append", default=[], metavar="PORT=ERP",
        help="the Astroselling account on PORT sells the SKUs of ERP (siigo: SKU-0001..., alegra: REF-0001...); "
        "repeatable; default 18089=alegra and 18093=siigo (the demo's pairs), other ports the default SKUs",
    )
    serve.add_argument("--mercadolibre-port", type=int, default=18090, help="0 = no Mercado Libre sandbox")
    serve.add_argument(
        "--mercadolibre-extra-port", type=int, action="append", default=[],
        help="serve one more Mercado Libre seller on this port; repeatable",
    )
    serve.add_argument(
        "--channel-orders", type=int, default=100, help="orders per Astroselling account and Mercado Libre seller",
    )
    serve.add_argument("--orders", type=int, default=200, help="Jumpseller orders in the scenario (0: none)")
    serve.add_argument("--order-days", type=int, default=DEFAULT_DAYS, help="days the orders span")
    serve.add_argument(
        "--order-start", type=date.fromisoformat, default=None,
        help="first order day (YYYY-MM-DD); default: --order-days before today, so orders are recent",
    )
    serve.add_argument("--products", type=int, default=40, help="Bsale products in the scenario")
    serve.add_argument("--skus", type=int, default=None, help="exact Bsale SKU count (overrides --products)")
    serve.add_argument("--seed", type=int, default=7)
    serve.add_argument(
        "--no-rate-limit", action="store_true",
        help="disable Jumpseller's 20/s and 800/min budgets (and Astroselling's and Mercado Libre's)",
    )
    return parser


def _orders(scenario: CatalogScenario, args: argparse.Namespace, seed: int, count: int | None = None
            ) -> OrderScenario | None:
    count = args.orders if count is None else count
    if not count:
        return None
    start = args.order_start or date.today() - timedelta(days=args.order_days)
    return OrderScenario.generate(scenario, count, seed, start=start, days=args.order_days)


def _serve_crm(stack: ExitStack, args: argparse.Namespace) -> None:
    """Siigo and Escala: one merchant's ERP and CRM, Siigo invoices spread over the last week."""
    from puente_sandbox.crm_stack import run_escala_sandbox, run_recent_siigo_sandbox
    from puente_sandbox.siigo import generate_siigo_data, run_siigo_sandbox

    wanted = CRM_VENDORS if args.vendor == "all" else (args.vendor,)
    if "siigo" in wanted:
        handle = stack.enter_context(
            run_recent_siigo_sandbox(args.seed, invoices=args.siigo_invoices, host=args.host, port=args.siigo_port)
        )
        print(f"siigo sandbox listening on {handle.base_url}", flush=True)
        for number, port in enumerate(args.siigo_extra_port, start=1):
            handle = stack.enter_context(run_siigo_sandbox(generate_siigo_data(args.seed + number), host=args.host,
                                                           port=port))  # fmt: skip
            print(f"siigo company #{number + 1} (invoicing catalog) listening on {handle.base_url}", flush=True)
    if "escala" in wanted:
        handle = stack.enter_context(run_escala_sandbox(args.seed, host=args.host, port=args.escala_port))
        print(f"escala sandbox listening on {handle.base_url}", flush=True)


def _serve_channels(stack: ExitStack, args: argparse.Namespace) -> None:
    """Astroselling accounts (each paired with an ERP's SKUs) and Mercado Libre sellers, recent orders."""
    from puente_sandbox.astroselling.pairing import parse_pairing, run_paired_astroselling_sandbox
    from puente_sandbox.mercadolibre import generate_mercadolibre_data, run_mercadolibre_sandbox
    from puente_sandbox.mercadolibre.vendor import DEFAULT_RATE_LIMITS as MELI_LIMITS

    start = args.order_start or date.today() - timedelta(days=args.order_days)
    pairing = parse_pairing(args.astroselling_skus_from)
    wanted = CHANNEL_VENDORS if args.vendor == "all" else (args.vendor,)
    astroselling = [args.astroselling_port, *args.astroselling_extra_port] if "astroselling" in wanted else []
    mercadolibre = [port for port in (args.mercadolibre_port, *args.mercadolibre_extra_port)
                    if port] if "mercadolibre" in wanted else []  # port 0: not served
    for number, port in enumerate(astroselling):
        handle = stack.enter_context(run_paired_astroselling_sandbox(
            pairing.get(port), seed=args.seed + number, n_orders=args.channel_orders, start=start,
            days=args.order_days, rate_limited=not args.no_rate_limit, host=args.host, port=port,
        ))  # fmt: skip
        skus = pairing.get(port) or "default"
        print(f"astroselling sandbox ({skus} SKUs) listening on {handle.base_url}", flush=True)
    for number, port in enumerate(mercadolibre):
        data = generate_mercadolibre_data(args.seed + number, start=start, days=args.order_days,
                                          n_orders=args.channel_orders)  # fmt: skip
        limits = None if args.no_rate_limit else MELI_LIMITS
        handle = stack.enter_context(run_mercadolibre_sandbox(data, rate_limits=limits, host=args.host, port=port))
        print(f"mercadolibre sandbox listening on {handle.base_url}", flush=True)


def _serve_contabilium(stack: ExitStack, args: argparse.Namespace, scenario: CatalogScenario) -> None:
    """Contabilium with the scenario's SKUs as conceptos, so its Jumpseller store's SKUs line up."""
    from puente_sandbox.contabilium import DEFAULT_RATE_LIMITS as CONTABILIUM_LIMITS
    from puente_sandbox.contabilium import run_contabilium_sandbox
    from puente_sandbox.contabilium.jumpseller_stack import contabilium_seed

    limits = None if args.no_rate_limit else CONTABILIUM_LIMITS
    handle = stack.enter_context(run_contabilium_sandbox(
        contabilium_seed(scenario, args.seed), rate_limits=limits, host=args.host, port=args.contabilium_port))
    print(f"contabilium sandbox listening on {handle.base_url}", flush=True)


def _serve_alegra(stack: ExitStack, args: argparse.Namespace) -> None:
    """Alegra: the default seed (items REF-0001..., the SKUs the paired Astroselling account sells)."""
    from puente_sandbox.alegra import run_alegra_sandbox
    from puente_sandbox.alegra.vendor import DEFAULT_RATE_LIMITS as ALEGRA_LIMITS

    limits = None if args.no_rate_limit else ALEGRA_LIMITS
    handle = stack.enter_context(run_alegra_sandbox(rate_limits=limits, host=args.host, port=args.alegra_port))
    print(f"alegra sandbox listening on {handle.base_url}", flush=True)


def serve(args: argparse.Namespace) -> int:
    vendors: tuple[Vendor, ...] = (
        VENDORS if args.vendor == "all" else tuple(v for v in VENDORS if v == args.vendor)
    )
    scenario = CatalogScenario.generate(args.products, args.seed, n_skus=args.skus)
    orders = _orders(scenario, args, args.seed)
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    ports = {"bsale": args.bsale_port, "jumpseller": args.jumpseller_port, "facto": args.facto_port}
    argentine = args.argentine_jumpseller_port or ARGENTINE_STORE_PORTS
    if orders is not None and args.jumpseller_port in argentine:
        from puente_sandbox.contabilium.jumpseller_stack import argentine_orders

        argentine_orders(orders)
    with ExitStack() as stack:
        for vendor in vendors:
            limits = DEFAULT_RATE_LIMITS if vendor == "jumpseller" and not args.no_rate_limit else None
            seeded = orders if vendor == "jumpseller" and orders else scenario
            handle = stack.enter_context(
                run_sandbox(vendor, seeded, rate_limits=limits, host=args.host, port=ports[vendor])
            )
            print(f"{vendor} sandbox listening on {handle.base_url}", flush=True)
        if "jumpseller" in vendors:
            limits = None if args.no_rate_limit else DEFAULT_RATE_LIMITS
            for number, port in enumerate(args.jumpseller_extra_port, start=1):
                count = args.argentine_orders if port in argentine else None
                extra = _orders(scenario, args, args.seed + number, count) or scenario
                if port in argentine and isinstance(extra, OrderScenario):
                    from puente_sandbox.contabilium.jumpseller_stack import argentine_orders

                    argentine_orders(extra)
                handle = stack.enter_context(
                    run_sandbox("jumpseller", extra, rate_limits=limits, host=args.host, port=port)
                )
                print(f"jumpseller store #{number + 1} sandbox listening on {handle.base_url}", flush=True)
        if args.vendor in (*CRM_VENDORS, "all"):
            _serve_crm(stack, args)
        if args.vendor in (*CHANNEL_VENDORS, "all"):
            _serve_channels(stack, args)
        if args.vendor in ("contabilium", "all"):
            _serve_contabilium(stack, args, scenario)
        if args.vendor in ("alegra", "all"):
            _serve_alegra(stack, args)
        print(
            f"scenario seed={args.seed}: {len(scenario.bsale_skus)} Bsale SKUs, "
            f"{len(scenario.jumpseller_skus)} Jumpseller listings, {len(orders.orders) if orders else 0} "
            "orders; Ctrl-C or SIGTERM to stop",
            flush=True,
        )
        while not stop.wait(0.5):
            pass
    print("sandboxes stopped", flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return 2  # pragma: no cover - argparse enforces the command


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
