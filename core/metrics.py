"""Every Prometheus series Instap exports, on one registry per service (tests build many).

The parts record what happens (a send, a handled update, a reminder) through the small
methods here; what is read from the database at scrape time (instap/monitoring.py) is set
on the gauges just before the text is written. Labels name channels, results, routes and
partnerships, never a youth.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

# Seconds: a reply within a second or two is normal; minutes mean a backlog.
LAG_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800)
# A reminder goes out on the scheduler's tick (seconds) or after quiet hours (hours).
LATENESS_BUCKETS = (1, 5, 15, 30, 60, 300, 900, 3600, 4 * 3600, 12 * 3600)
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

# What became of one delivery attempt (the sender's outcomes, bot/channels/errors.py).
RESULTS = (
    "sent", "retried", "timed_out", "rate_limited", "kept", "unreachable", "rejected", "failed",
)  # fmt: skip


class Metrics:
    """One service's series. Every method is cheap and never raises into its caller."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        self.inbound_lag = Histogram(
            "instap_inbound_lag_seconds",
            "Seconds from an update being stored to being handled, by channel.",
            ["channel"], buckets=LAG_BUCKETS, registry=registry,
        )  # fmt: skip
        self.inbound_pending = Gauge(
            "instap_inbound_pending", "Stored updates not yet handled.", registry=registry
        )
        self.outbox_depth = Gauge(
            "instap_outbox_depth",
            "Outbox jobs not yet delivered (pending or being sent), by channel.",
            ["channel"], registry=registry,
        )  # fmt: skip
        self.outbox_oldest = Gauge(
            "instap_outbox_oldest_age_seconds",
            "Seconds the oldest due, undelivered outbox job has waited, by channel.",
            ["channel"], registry=registry,
        )  # fmt: skip
        self.sends = Counter(
            "instap_sends",
            "Delivery attempts by channel and result (" + ", ".join(RESULTS) + ").",
            ["channel", "result"], registry=registry,
        )  # fmt: skip
        self.rate_limited = Counter(
            "instap_rate_limited",
            "Times a channel said to slow down (Telegram 429, WhatsApp throttling).",
            ["channel"], registry=registry,
        )  # fmt: skip
        self.rate_limited_seconds = Counter(
            "instap_rate_limited_wait_seconds",
            "Seconds a channel told us to wait after a 429.",
            ["channel"], registry=registry,
        )  # fmt: skip
        self.flood_waits = Counter(
            "instap_flood_waits",
            "Deliveries that waited for the flood budget (per chat or overall).",
            ["channel"], registry=registry,
        )  # fmt: skip
        self.flood_wait_seconds = Counter(
            "instap_flood_wait_seconds",
            "Seconds deliveries waited for the flood budget.",
            ["channel"], registry=registry,
        )  # fmt: skip
        self.duplicates = StoredTotal(
            "instap_outbox_duplicates",
            "Deliveries sent again after their sender died while calling the channel, by all "
            "instances (read from the database): the youth may have seen them twice.",
        )
        registry.register(self.duplicates)
        self.reminder_lateness = Histogram(
            "instap_reminder_lateness_seconds",
            "Seconds between a reminder's due time and it going to the outbox.",
            buckets=LATENESS_BUCKETS, registry=registry,
        )  # fmt: skip
        self.request_latency = Histogram(
            "instap_http_request_duration_seconds",
            "Seconds to answer an HTTP request, by method, route pattern and status.",
            ["method", "route", "status"], buckets=REQUEST_BUCKETS, registry=registry,
        )  # fmt: skip
        self.queue_waiting = Gauge(
            "instap_queue_waiting",
            "Waiting cases against the promised first response, by partnership "
            "(promise: in_time, almost_late = the last day is today, late = it has passed).",
            ["partnership", "promise"], registry=registry,
        )  # fmt: skip

    def known(self, channels: list[str]) -> None:
        """Show these channels' counters at 0 before anything happened (no gaps in graphs)."""
        for channel in channels:
            for counter in (self.rate_limited, self.flood_waits):
                counter.labels(channel)
            self.sends.labels(channel, "sent")

    def handled(self, channel: str, seconds: float) -> None:
        """An inbound update was handled `seconds` after it was stored."""
        self.inbound_lag.labels(channel).observe(max(0.0, seconds))

    def sent(self, channel: str, result: str) -> None:
        """One delivery attempt ended with `result` (one of RESULTS)."""
        self.sends.labels(channel, result).inc()

    def slowed(self, channel: str, seconds: float) -> None:
        """The channel answered 429 (or throttled us) and asked for `seconds`."""
        self.rate_limited.labels(channel).inc()
        self.rate_limited_seconds.labels(channel).inc(max(0.0, seconds))

    def flood_wait(self, channel: str, seconds: float) -> None:
        """A delivery waited `seconds` for the flood budget."""
        self.flood_waits.labels(channel).inc()
        self.flood_wait_seconds.labels(channel).inc(max(0.0, seconds))

    def reminder_late(self, seconds: float) -> None:
        self.reminder_lateness.observe(max(0.0, seconds))

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.request_latency.labels(method, route, str(status)).observe(seconds)

    def text(self) -> bytes:
        """The registry in Prometheus' text format."""
        return generate_latest(self.registry)


class StoredTotal(Collector):
    """A counter whose total lives in the database (storage.counters), shared by every
    instance and surviving restarts; set at each scrape."""

    def __init__(self, name: str, documentation: str) -> None:
        self.name, self.documentation = name, documentation
        self.total = 0

    def collect(self) -> Iterator[CounterMetricFamily]:
        yield CounterMetricFamily(self.name, self.documentation, value=self.total)
