"""Deterministic synthetic case-level records for every force, calibrated to national figures.

The dashboard must run on a fresh machine without real case data, so this module invents case
records that a domain expert would find plausible (volumes, outcome mix, timing, NOM effects and
force-to-force variation; targets in ``calibration``). Everything is vectorised numpy: two
million cases take seconds. Aggregate tables are derived from the cases (``derive``), so they
always agree with them. Random streams are keyed by ``(seed, purpose)``, so the force effects
(who the outliers are) do not change with the number of cases.

Burn-in: real investigations closed in 2015-16 include offences recorded years earlier, and
charges are the slowest outcomes. Starting the records cold in ``first_quarter`` would leave the
closed basis of the first years with almost no charges (0% in 2015-16 Q1) and short medians. So
offences recorded in the ``cal.BURN_IN_YEARS`` before ``first_quarter`` (volumes extrapolated
back, ``_annual_total``) run through the same outcome and timing model, and only those still open
on the first day of ``first_quarter`` are kept: the *carried-in* cases. They are case records
(recorded_quarter before ``first_quarter``) and count wherever investigations are counted when
they close or while open; they are not recorded offences of the period (``derive``). ``cases``
stays the exact number recorded from ``first_quarter`` on; ``SampleData.carried_in`` is extra.

This module is over 300 lines because the generation is one vectorised pipeline (volumes, then
case attributes, then outcomes and their timing) whose steps share the same arrays; the targets
live in ``calibration`` and the counting of calibration figures in ``measures``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from db import reference as ref
from metrics.periods import (
    add_quarters,
    latest_complete_quarter,
    quarter_end,
    quarter_of,
    quarter_start,
    quarters_between,
)
from sample_data import calibration as cal

_EPOCH = date(1970, 1, 1)
FORCE_CODES: tuple[str, ...] = (*(f.code for f in ref.FORCES), ref.BTP.code)
OFFENCE_CODES: tuple[str, ...] = tuple(o[0] for o in ref.OFFENCES)
_IS_RAPE = np.array([o[2] == "rape" for o in ref.OFFENCES])


def day_number(d: date) -> int:
    """Day number (days since 1970-01-01): the generator's date arithmetic is on these integers."""
    return (d - _EPOCH).days


def nom_ramp(day: np.ndarray, nom_start: np.ndarray) -> np.ndarray:
    """0 before a force's NOM start, rising linearly to 1 over ``NOM_RAMP_DAYS`` (broadcasts)."""
    return np.clip((day - nom_start) / cal.NOM_RAMP_DAYS, 0.0, 1.0)


def _annual_total(fy: int, *, burn_in: bool = False) -> tuple[float, float]:
    """(all sexual offences, rape) for a financial year, extrapolated outside the targets.

    Before the calibrated years, the burn-in follows ``cal.RAPE_BEFORE`` (geometric interpolation
    from its anchor year to the first calibrated year, slower growth before the anchor; all sexual
    offences at the first calibrated year's rape share). Otherwise the year before the first is a
    plain extrapolation, used only for the within-year shape of the first year: the records of
    the calibrated period do not depend on the burn-in's assumptions.
    """
    years = sorted(cal.ANNUAL_SEXUAL)
    first, last = years[0], years[-1]
    if fy in cal.ANNUAL_SEXUAL:
        return float(cal.ANNUAL_SEXUAL[fy]), float(cal.ANNUAL_RAPE[fy])
    if fy > last:
        growth = (1 + cal.GROWTH_AFTER_LAST_YEAR) ** (fy - last)
        return cal.ANNUAL_SEXUAL[last] * growth, cal.ANNUAL_RAPE[last] * growth
    if not burn_in:
        return cal.ANNUAL_SEXUAL[first] * 0.88 ** (first - fy), cal.ANNUAL_RAPE[first] * 0.88 ** (first - fy)
    anchor_year, anchor = cal.RAPE_BEFORE
    if fy >= anchor_year:
        rape = anchor * (cal.ANNUAL_RAPE[first] / anchor) ** ((fy - anchor_year) / (first - anchor_year))
    else:
        rape = anchor / (1 + cal.RAPE_GROWTH_BEFORE) ** (anchor_year - fy)
    return rape * cal.ANNUAL_SEXUAL[first] / cal.ANNUAL_RAPE[first], rape


def quarterly_volumes(first: int, last: int, *, burn_in: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """National sexual offences and rape share per quarter, at full (national) scale.

    Within a year the level follows a smooth interpolation between year mid-points, times the
    seasonal pattern and the 2020 lockdown dip, rescaled so each financial year hits its target.
    """
    years = range(first // 10, last // 10 + 1)
    vol, share, keys = [], [], []
    for fy in years:
        total, rape = _annual_total(fy, burn_in=burn_in)
        prev, _ = _annual_total(fy - 1, burn_in=burn_in)
        nxt, _ = _annual_total(fy + 1, burn_in=burn_in)
        weights = []
        for fq in range(1, 5):
            t = (fq - 0.5) / 4 - 0.5  # years from the year's mid-point
            other = nxt if t > 0 else prev
            level = np.exp(np.log(total) + abs(t) * (np.log(other) - np.log(total)))
            factor = cal.LOCKDOWN_FACTOR if fy * 10 + fq == cal.LOCKDOWN_QUARTER else 1.0
            weights.append(level * cal.SEASONALITY[fq - 1] * factor)
        weights = np.array(weights) * total / sum(weights)
        for fq in range(1, 5):
            keys.append(fy * 10 + fq)
            vol.append(weights[fq - 1])
            share.append(rape / total)
    keep = [i for i, q in enumerate(keys) if first <= q <= last]
    return np.array(vol)[keep], np.array(share)[keep]


def national_volume(first: int, last: int) -> int:
    """Recorded sexual offences nationally over the quarters: the cases of a full-scale sample."""
    return int(round(quarterly_volumes(first, last)[0].sum()))


FIRST_QUARTER = 20151
FULL_SCALE_CASES = national_volume(FIRST_QUARTER, latest_complete_quarter())
"""Scale 1.0: national volumes from 2015-16 to the latest complete quarter (about 2 million)."""


@dataclass(frozen=True)
class SampleData:
    """Frames whose columns match case_record, recorded_offences, outcomes and indicator_value."""

    cases: pl.DataFrame
    recorded: pl.DataFrame
    outcomes: pl.DataFrame
    indicators: pl.DataFrame
    first_quarter: int
    last_quarter: int
    seed: int
    carried_in: int
    """Case records of offences recorded before first_quarter, still open on its first day."""


@dataclass(frozen=True)
class ForceEffects:
    """Seeded per-force parameters; the same for every scale of the same seed."""

    volume: np.ndarray
    trend: np.ndarray
    mix: np.ndarray
    charge: np.ndarray
    withdraw: np.ndarray
    days: np.ndarray
    isva: np.ndarray
    device: np.ndarray
    repeat: np.ndarray
    nom_start: np.ndarray  # day number of the force's NOM start

    @classmethod
    def draw(cls, seed: int) -> ForceEffects:
        rng = np.random.default_rng([seed, 1])
        n = len(FORCE_CODES)
        pop = np.array([f.population_mid2023 for f in ref.FORCES], dtype=float)
        volume = pop / pop.sum() * (1 - cal.BTP_SHARE) * rng.lognormal(0, cal.FORCE_VOLUME_SD, n - 1)
        volume = np.append(volume / volume.sum() * (1 - cal.BTP_SHARE), cal.BTP_SHARE)
        charge = rng.normal(0, cal.FORCE_CHARGE_SD, n)
        withdraw = rng.normal(0, cal.FORCE_WITHDRAW_SD, n)
        # outliers among territorial forces large enough to be seen (not City of London)
        candidates = [i for i, c in enumerate(FORCE_CODES[:-1]) if c != "E23000034"]
        picks = rng.choice(candidates, size=len(cal.FORCE_CHARGE_OUTLIERS) + 2, replace=False)
        charge[picks[:3]] += cal.FORCE_CHARGE_OUTLIERS
        withdraw[picks[3:]] += cal.FORCE_WITHDRAW_OUTLIERS
        return cls(
            volume=volume,
            trend=rng.normal(0, cal.FORCE_TREND_SD, n),
            mix=rng.lognormal(0, cal.OFFENCE_MIX_SD, (n, len(OFFENCE_CODES))),
            charge=charge,
            withdraw=withdraw,
            days=rng.lognormal(0, cal.FORCE_DAYS_SD, n),
            isva=rng.normal(0, 0.30, n),
            device=rng.normal(0, 0.25, n),
            repeat=rng.normal(0, 0.20, n),
            nom_start=np.array([day_number(ref.nom_phase(c)[1]) for c in FORCE_CODES]),
        )


def _cell_probabilities(quarters: list[int], fx: ForceEffects, burn_in: bool) -> np.ndarray:
    """P(quarter, force, offence) for one case, shape (Q, F, O)."""
    vol, rape_share = quarterly_volumes(quarters[0], quarters[-1], burn_in=burn_in)
    years = np.array([q // 10 + (q % 10 - 0.5) / 4 for q in quarters]) - 2019.0
    share = fx.volume[None, :] * np.exp(fx.trend[None, :] * years[:, None])
    share[:, :-1] *= (1 - cal.BTP_SHARE) / share[:, :-1].sum(axis=1, keepdims=True)
    share[:, -1] = cal.BTP_SHARE
    base = np.array([cal.RAPE_MIX.get(c, 0.0) + cal.OTHER_MIX.get(c, 0.0) for c in OFFENCE_CODES])
    mix = base[None, :] * fx.mix  # (F, O)
    rape = mix * _IS_RAPE
    other = mix * ~_IS_RAPE
    rape /= rape.sum(axis=1, keepdims=True)
    other /= other.sum(axis=1, keepdims=True)
    mix_q = (rape_share[:, None, None] * rape[None] + (1 - rape_share)[:, None, None] * other[None])
    p = vol[:, None, None] * share[:, :, None] * mix_q
    return p / p.sum()


def _pick(rng: np.random.Generator, probs: np.ndarray, row: np.ndarray) -> np.ndarray:
    """One categorical draw per case from the probability row ``probs[row[i]]`` (vectorised)."""
    u = rng.random(row.size)
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    out = np.zeros(row.size, dtype=np.int16)
    for r in np.unique(row):
        mask = row == r
        out[mask] = np.minimum(np.searchsorted(cum[r], u[mask], side="right"), probs.shape[1] - 1)
    return out


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    return np.log(p / (1 - p))


def _quarter_of(days: np.ndarray) -> np.ndarray:
    """metrics.periods.quarter_of for an array of day numbers (once per distinct day)."""
    unique, inverse = np.unique(days, return_inverse=True)
    quarters = np.array([quarter_of(_EPOCH + timedelta(days=int(d))) for d in unique], dtype=np.int32)
    return quarters[inverse].reshape(days.shape)


def _year(days: np.ndarray) -> np.ndarray:
    return 1970.0 + days / 365.25


def _recorded(rng: np.random.Generator, cases: int, quarters: list[int], fx: ForceEffects,
              burn_in: bool):
    """Exactly ``cases`` records spread over quarter x force x offence; sorted by date."""
    p = _cell_probabilities(quarters, fx, burn_in)
    counts = rng.multinomial(cases, p.ravel())
    cell = np.repeat(np.arange(counts.size), counts)
    q_i, f_i, o_i = np.unravel_index(cell, p.shape)
    starts = np.array([day_number(quarter_start(q)) for q in quarters])
    lengths = np.array([day_number(quarter_end(q)) + 1 for q in quarters]) - starts
    day = starts[q_i] + (rng.random(cases) * lengths[q_i]).astype(np.int64)
    perm = rng.permutation(cases)
    order = perm[np.argsort(day[perm], kind="stable")]
    return day[order], f_i[order].astype(np.int16), o_i[order].astype(np.int16)


def _victims(rng: np.random.Generator, off: np.ndarray):
    age = _pick(rng, np.array([cal.AGE_BY_OFFENCE[c] for c in OFFENCE_CODES]), off)
    female = np.array([cal.FEMALE_SHARE[c] for c in OFFENCE_CODES])[off]
    is_female = rng.random(off.size) < female
    # relationship profile: offence-specific override, else by victim age
    profiles = [cal.REL_CHILD, cal.REL_TEEN, cal.REL_ADULT]
    override = np.full(len(OFFENCE_CODES), -1)
    for i, c in enumerate(OFFENCE_CODES):
        if c in cal.REL_BY_OFFENCE:
            override[i] = len(profiles)
            profiles.append(cal.REL_BY_OFFENCE[c])
    by_age = np.where(age == 0, 0, np.where(age <= 2, 1, 2))
    profile = np.where(override[off] >= 0, override[off], by_age)
    rel = _pick(rng, np.array(profiles), profile)
    return age, is_female, rel


def _ramp(day: np.ndarray, force: np.ndarray, fx: ForceEffects) -> np.ndarray:
    return nom_ramp(day, fx.nom_start[force])


def _outcomes(rng, day, force, off, age, rel, repeat, identified, fx: ForceEffects):
    """Eventual outcome type and days to it, ignoring the extract date (censoring comes later)."""
    n = day.size
    child = age <= 1
    group = np.where(_IS_RAPE[off], 0, 2) + child  # index into cal.GROUPS
    anchor = day + cal.ANCHOR_DAYS
    t = _year(anchor)
    nom_share = np.where(_IS_RAPE[off], 1.0, cal.NOM_OTHER_SEXUAL)
    ramp = _ramp(anchor, force, fx) * nom_share
    # a charge that comes soon after the report is decided then, not a year later
    fast = rng.random(n) < cal.FAST_CHARGE_SHARE
    decision = day + np.where(fast, cal.FAST_CHARGE_DAYS[0], cal.CHARGE_ANCHOR_DAYS).astype(np.int64)
    knots, log_odds = zip(*sorted(cal.CHARGE_LOG_ODDS_PATH.items()), strict=True)
    national = np.interp(_year(decision), knots, log_odds)  # flat beyond the first and last knot
    charge_logit = (_logit(cal.CHARGE_BASE)[group] + national
                    + cal.NOM_CHARGE_LOG_ODDS * _ramp(decision, force, fx) * nom_share
                    + fx.charge[force] + 0.25 * repeat)
    withdraw_logit = (_logit(cal.WITHDRAW_BASE)[group] + fx.withdraw[force]
                      + cal.WITHDRAW_TREND * np.clip((t - 2015.25) / 5, 0.0, 1.0)
                      + cal.NOM_WITHDRAW_LOG_ODDS * ramp)
    u1, u2, u3 = rng.random(n), rng.random(n), rng.random(n)
    other = np.array(cal.OTHER_TYPES, dtype=np.int16)[
        _pick(rng, np.array([cal.OTHER_WEIGHTS[g] for g in cal.GROUPS]), group)]
    kind = np.where(u1 < _logistic(charge_logit), 1, np.where(u2 < _logistic(withdraw_logit), 16, other))
    no_suspect = np.where(u3 < cal.NOT_SUPPORTED_WHEN_NO_SUSPECT, 14, 18)
    kind = np.where(identified, kind, no_suspect).astype(np.int16)

    median = np.full(n, cal.DAYS_OTHER[0])
    sigma = np.full(n, cal.DAYS_OTHER[1])
    for otype, (m, s) in cal.DAYS.items():
        median[kind == otype], sigma[kind == otype] = m, s
    fast &= kind == 1
    median[fast], sigma[fast] = cal.FAST_CHARGE_DAYS
    share, m, s = cal.LATE_WITHDRAWAL
    late = (kind == 16) & (rng.random(n) < share)
    median[late], sigma[late] = m, s
    median *= np.where(_IS_RAPE[off], 1.0, cal.OTHER_SEXUAL_SPEED) * fx.days[force]
    lo, hi = (day_number(date.fromisoformat(d)) for d in cal.COVID_WINDOW)
    c_lo, c_hi = (day_number(date.fromisoformat(d)) for d in cal.COVID_CHARGE_WINDOW)
    median *= np.where(kind == 1, np.where((anchor >= c_lo) & (anchor <= c_hi), cal.COVID_CHARGE_SLOWDOWN, 1.0),
                       np.where((anchor >= lo) & (anchor <= hi), cal.COVID_SLOWDOWN, 1.0))
    median *= 1.0 - (1.0 - cal.NOM_SPEEDUP) * ramp
    stalled = rng.random(n) < cal.STALLED_SHARE
    m, s = cal.STALLED_FACTOR
    median *= np.where(stalled, m * np.exp(s * rng.standard_normal(n)), 1.0)
    days = np.clip(median * np.exp(sigma * rng.standard_normal(n)), 0, cal.MAX_DAYS).astype(np.int64)
    return kind, days


def _simulate(rng: np.random.Generator, cases: int, quarters: list[int], fx: ForceEffects,
              extract: int, *, burn_in: bool = False) -> dict[str, np.ndarray]:
    """``cases`` offences recorded over ``quarters``, their attributes and eventual outcomes."""
    day, force, off = _recorded(rng, cases, quarters, fx, burn_in)
    age, is_female, rel = _victims(rng, off)
    ident_p = np.array(cal.SUSPECT_IDENTIFIED)[rel]
    identified = rng.random(cases) < ident_p
    ramp_rec = _ramp(day, force, fx)
    lo, hi = cal.REPEAT_SUSPECT
    repeat = identified & (rng.random(cases) < _logistic(
        _logit(lo + (hi - lo) * ramp_rec) + fx.repeat[force]))
    kind, days = _outcomes(rng, day, force, off, age, rel, repeat, identified, fx)
    closed = day + days <= extract

    cps_p = np.full(cases, cal.CPS_REFERRAL_OTHER)
    for otype, p in cal.CPS_REFERRAL.items():
        cps_p[kind == otype] = p
    referral_day = day + (0.7 * days).astype(np.int64)
    referred = (rng.random(cases) < cps_p) & (closed | (referral_day <= extract))

    adult = age >= 2
    isva_lo = np.where(adult, cal.ISVA_ADULT[0], cal.ISVA_CHILD[0])
    isva_hi = np.where(adult, cal.ISVA_ADULT[1], cal.ISVA_CHILD[1])
    isva = rng.random(cases) < _logistic(_logit(isva_lo + (isva_hi - isva_lo) * ramp_rec) + fx.isva[force])
    online = rel == cal.RELATIONSHIPS.index("online")
    dev_lo = np.where(online, cal.DEVICE_TAKEN_ONLINE[0], cal.DEVICE_TAKEN[0])
    dev_hi = np.where(online, cal.DEVICE_TAKEN_ONLINE[1], cal.DEVICE_TAKEN[1])
    device = rng.random(cases) < _logistic(_logit(dev_lo + (dev_hi - dev_lo) * ramp_rec) + fx.device[force])
    m_lo, m_hi = cal.DEVICE_DAYS_MEDIAN
    dev_median = m_lo + (m_hi - m_lo) * ramp_rec
    device_days = np.maximum(1, dev_median * np.exp(cal.DEVICE_DAYS_SIGMA * rng.standard_normal(cases)))
    device_days = device_days.astype(np.int64)
    returned = device & (day + device_days <= extract)
    return {"day": day, "force": force, "off": off, "age": age, "is_female": is_female, "rel": rel,
            "identified": identified, "repeat": repeat, "isva": isva, "referred": referred,
            "device": device, "device_days": np.where(returned, device_days, -1), "kind": kind,
            "days": days, "closed": closed}


def _carried_in(seed: int, cases: int, first_quarter: int, last_quarter: int, fx: ForceEffects,
                extract: int) -> dict[str, np.ndarray]:
    """The burn-in: offences of the years before ``first_quarter`` still open on its first day.

    Simulated at the same scale as the main records (national volume ratio), with their own
    random stream so the main records do not depend on the burn-in.
    """
    quarters = quarters_between(add_quarters(first_quarter, -4 * cal.BURN_IN_YEARS),
                                add_quarters(first_quarter, -1))
    scale = cases / quarterly_volumes(first_quarter, last_quarter)[0].sum()
    n = int(round(scale * quarterly_volumes(quarters[0], quarters[-1], burn_in=True)[0].sum()))
    sim = _simulate(np.random.default_rng([seed, 3]), n, quarters, fx, extract, burn_in=True)
    keep = sim["day"] + sim["days"] >= day_number(quarter_start(first_quarter))
    return {k: v[keep] for k, v in sim.items()}


def generate(
    cases: int = FULL_SCALE_CASES,
    seed: int = 2023,
    *,
    first_quarter: int = FIRST_QUARTER,
    last_quarter: int | None = None,
) -> SampleData:
    """Synthetic case records and the tables derived from them (same arguments, same data)."""
    from sample_data.derive import derive_tables

    if cases < 1:
        raise ValueError("cases must be at least 1")
    last_quarter = last_quarter or latest_complete_quarter()
    if last_quarter < first_quarter:
        raise ValueError(f"last quarter {last_quarter} is before first quarter {first_quarter}")
    quarters = quarters_between(first_quarter, last_quarter)
    extract = day_number(quarter_end(last_quarter))
    fx = ForceEffects.draw(seed)
    main = _simulate(np.random.default_rng([seed, 2]), cases, quarters, fx, extract)
    before = _carried_in(seed, cases, first_quarter, last_quarter, fx, extract)
    sim = {k: np.concatenate([before[k], main[k]]) for k in main}  # by recorded date
    day, days, closed = sim["day"], sim["days"], sim["closed"]
    out_day = np.minimum(day + days, extract)

    frame = pl.DataFrame({
        "case_id": np.arange(1, day.size + 1, dtype=np.int64),
        "force_code": pl.Series(FORCE_CODES).gather(sim["force"]),
        "offence_code": pl.Series(OFFENCE_CODES).gather(sim["off"]),
        "recorded_date": pl.Series(day.astype(np.int32)).cast(pl.Date),
        "recorded_quarter": _quarter_of(day),
        "victim_age_band": pl.Series(cal.AGE_BANDS).gather(sim["age"]),
        "victim_sex": pl.Series(["M", "F"]).gather(sim["is_female"].astype(np.int8)),
        "relationship": pl.Series(cal.RELATIONSHIPS).gather(sim["rel"]),
        "suspect_identified": sim["identified"],
        "repeat_suspect": sim["repeat"],
        "isva_referred": sim["isva"],
        "referred_cps": sim["referred"],
        "device_taken": sim["device"],
        "device_days": sim["device_days"],
        "outcome_type": np.where(closed, sim["kind"], 0).astype(np.int16),
        "outcome_date": pl.Series(out_day.astype(np.int32)).cast(pl.Date),
        "outcome_quarter": _quarter_of(out_day),
        "days_to_outcome": days,
        "_closed": closed,
    })
    open_ = ~pl.col("_closed")
    frame = frame.with_columns(
        pl.when(pl.col("device_days") < 0).then(None).otherwise(pl.col("device_days")).alias("device_days"),
        *(pl.when(open_).then(None).otherwise(pl.col(c)).alias(c)
          for c in ("outcome_date", "outcome_quarter", "days_to_outcome")),
    ).drop("_closed")
    return derive_tables(frame, first_quarter=first_quarter, last_quarter=last_quarter, seed=seed,
                         fx=fx)
