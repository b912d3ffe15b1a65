"""A KKR's central indicators and the order indicators are shown in.

The framework paper: "Der udvælges 3-6 centrale indikatorer til opfølgning, som kommunerne
forpligter sig til at benytte fremover". A KKR chooses its 3-6 in the catalogue
(``Kkr.central_indicators``, in the chosen order); every place that lists indicators for a KKR
or one of its municipalities (the political pack, the front page, the Områdeoverblik) asks
:func:`central_order`, so the order is the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from naersund.catalogue.model import Catalogue

#: The framework paper's sentence, shown where the central indicators lead a page or a pack.
SOURCE_SENTENCE_DA = (
    "Der udvælges 3-6 centrale indikatorer til opfølgning, som kommunerne forpligter sig til "
    "at benytte fremover"
)
SOURCE_DA = "Rammepapiret for Det Nære Sundhedsvæsen"


@dataclass(frozen=True)
class CentralOrder:
    """Indicator ids: the KKR's central ones in the chosen order, then the others in the
    order they were given."""

    central: list[str]
    others: list[str]

    @property
    def ordered(self) -> list[str]:
        return [*self.central, *self.others]

    def is_central(self, indicator: str) -> bool:
        return indicator in self.central


def chosen_central(catalogue: Catalogue | None, region_code: int | None) -> list[str]:
    """The KKR's central indicators as chosen (empty without a catalogue, a KKR or a choice)."""
    if catalogue is None or region_code is None:
        return []
    try:
        return list(catalogue.kkr_by_code(region_code).central_indicators)
    except KeyError:
        return []


def central_order(
    catalogue: Catalogue | None, region_code: int | None, present: Iterable[str]
) -> CentralOrder:
    """``present`` (indicator ids, in their usual order) with the KKR's central indicators
    first, in the KKR's chosen order; a chosen indicator that is not in ``present`` (not in
    the release) is left out."""
    ids = list(dict.fromkeys(present))
    have = set(ids)
    central = [i for i in chosen_central(catalogue, region_code) if i in have]
    chosen = set(central)
    return CentralOrder(central, [i for i in ids if i not in chosen])
