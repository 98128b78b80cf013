"""The joint implementation record: obligations, events, figures, term clock.

Pure: nothing here reads files or a clock. Voyage files are read by
:mod:`gobetween.formats.jcc`; times and "today" are passed in.

- :mod:`~gobetween.monitoring.voyages`: voyages and cargo rows with natural keys; idempotent merge.
- :mod:`~gobetween.monitoring.figures`: throughput, queue, waiting times, tonnage (NumPy).
- :mod:`~gobetween.monitoring.events`: the event union and its wire form.
- :mod:`~gobetween.monitoring.record`: the joint record (fold, gates, findings, public view).
- :mod:`~gobetween.monitoring.obligations`: obligations from the terms and their compliance.
- :mod:`~gobetween.monitoring.term`: the agreement's term clock (its lifecycle) as figures.
- :mod:`~gobetween.monitoring.bsgi`: the Black Sea Grain Initiative as data (and its life).
- :mod:`~gobetween.monitoring.provisions`: provisions on the Peace Accords Matrix scale.
- :mod:`~gobetween.monitoring.kinds`: record kinds as declarations, one registry;
  :mod:`~gobetween.monitoring.kinds_builtin` declares voyages, exchanges and incidents;
  :mod:`~gobetween.monitoring.entry_files` reads files of entries against a kind.
- :mod:`~gobetween.monitoring.limits`: the bounds of one import (rows, problems listed).
"""

from gobetween.monitoring import kinds_builtin as kinds_builtin  # registers the shipped kinds
from gobetween.monitoring.events import (
    EVENT_TYPES,
    Arrival,
    Departure,
    Event,
    GateDecision,
    Incident,
    IncidentResponse,
    Inspection,
    InspectionResult,
    Registration,
    TeamMember,
    Verdict,
    event_from_dict,
    event_to_dict,
)
from gobetween.monitoring.figures import (
    ChartSeries,
    Dimension,
    FigureTable,
    Period,
    VoyageArrays,
    VoyageSummary,
    dashboard,
    queue_length,
    summary,
    throughput,
    tonnage_by,
    waiting_times,
)
from gobetween.monitoring.obligations import (
    Comparison,
    Compliance,
    Metric,
    Obligation,
    ObligationTemplate,
    evaluate,
    evaluate_counts,
    evaluate_voyages,
    obligations_from_terms,
)
from gobetween.monitoring.record import (
    Breach,
    GateState,
    GateStatus,
    JointRecord,
    VisibilityPolicy,
    findings,
    public_view,
    registration_queue,
    registration_waits,
    view_for,
)
from gobetween.monitoring.term import TermPeriod, TermStatus, term_status, term_table
from gobetween.monitoring.voyages import (
    ImportProblem,
    ImportResult,
    MergeResult,
    Shipment,
    ShipmentKey,
    Voyage,
    group_voyages,
    merge,
)

__all__ = [
    "EVENT_TYPES",
    "Arrival",
    "Breach",
    "ChartSeries",
    "Comparison",
    "Compliance",
    "Departure",
    "Dimension",
    "Event",
    "FigureTable",
    "GateDecision",
    "GateState",
    "GateStatus",
    "ImportProblem",
    "ImportResult",
    "Incident",
    "IncidentResponse",
    "Inspection",
    "InspectionResult",
    "JointRecord",
    "MergeResult",
    "Metric",
    "Obligation",
    "ObligationTemplate",
    "Period",
    "Registration",
    "Shipment",
    "ShipmentKey",
    "TeamMember",
    "TermPeriod",
    "TermStatus",
    "Verdict",
    "VisibilityPolicy",
    "Voyage",
    "VoyageArrays",
    "VoyageSummary",
    "dashboard",
    "evaluate",
    "evaluate_counts",
    "evaluate_voyages",
    "event_from_dict",
    "event_to_dict",
    "findings",
    "group_voyages",
    "merge",
    "obligations_from_terms",
    "public_view",
    "queue_length",
    "registration_queue",
    "registration_waits",
    "summary",
    "term_status",
    "term_table",
    "throughput",
    "tonnage_by",
    "view_for",
    "waiting_times",
]
