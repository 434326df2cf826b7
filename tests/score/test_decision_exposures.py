"""Decision legs and their exposures: a table of research-note sentences written for newsdesk, each
with the direction, every leg's (ticker or basket, side) and the horizon in days it must give; the cue
scanner against its one-regex reference; the exposures in the CSV; re-parsing by ``rescore``."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from newsdesk.domain.legs import exposure_text
from newsdesk.domain.models import Decision
from newsdesk.flows.export import with_exposures
from newsdesk.score.cuewords import first_words
from newsdesk.score.decision_grammar import _SCANNER, SIDES
from newsdesk.score.pipeline import default_context
from tests.cli_util import run_cli

ROOT = Path(__file__).resolve().parents[2]

# (text, direction, {ticker or "basket:<id>": side}, (min days, max days) or None). Every leg must be
# there and no other. Sides: long, short, funding (a short that pays for a long), reduce, hold.
EXPOSURES = [
    ("Buy Micron on weakness over the next two quarters as HBM pricing firms.", "bullish", {"MU": "long"}, (180, 180)),
    (
        "Accumulate Broadcom for 12-24 months; the custom-silicon pipeline is under-appreciated.",
        "bullish",
        {"AVGO": "long"},
        (365, 730),
    ),
    (
        "Add to Palantir on a 6-month horizon if government bookings keep accelerating.",
        "bullish",
        {"PLTR": "long"},
        (180, 180),
    ),
    ("Short Super Micro Computer for one month into the filing deadline.", "bearish", {"SMCI": "short"}, (30, 30)),
    (
        "Sell Intel into any rally over the next quarter; the foundry plan needs more capital.",
        "bearish",
        {"INTC": "reduce"},
        (90, 90),
    ),
    ("Exit the remaining position in Boeing before the delivery data.", "bearish", {"BA": "reduce"}, None),
    ("Take profits on Nvidia above $150 and keep a smaller core position.", "bearish", {"NVDA": "reduce"}, None),
    (
        "Trim Tesla by a third on strength; valuation already discounts the robotaxi story.",
        "bearish",
        {"TSLA": "reduce"},
        None,
    ),
    (
        "Underweight Walt Disney on a 6-12 month view while parks spending slows.",
        "bearish",
        {"DIS": "reduce"},
        (180, 365),
    ),
    ("Go short Lennar for the next 3 months as mortgage rates stay high.", "bearish", {"LEN": "short"}, (90, 90)),
    (
        "Overweight JPMorgan Chase for the next 12 months on net-interest-income resilience.",
        "bullish",
        {"JPM": "long"},
        (365, 365),
    ),
    ("Hold Microsoft through the earnings print; no change to sizing.", "neutral", {"MSFT": "hold"}, None),
    ("Keep Apple at market weight for now.", "neutral", {"AAPL": "hold"}, None),
    ("Wait for a better entry in Eli Lilly after the trial readout.", "neutral", {"LLY": "hold"}, None),
    ("Monitor Cheniere Energy for a break above resistance before adding exposure.", "neutral", {"LNG": "hold"}, None),
    (
        "Stay long Caterpillar over the next 6-9 months as infrastructure spend flows.",
        "bullish",
        {"CAT": "long"},
        (180, 270),
    ),
    ("Remain underweight Comcast; broadband losses are accelerating.", "bearish", {"CMCSA": "reduce"}, None),
    (
        "Lighten exposure to Verizon over the next month as the dividend trade crowds.",
        "bearish",
        {"VZ": "reduce"},
        (30, 30),
    ),
    ("Cut exposure to Nike ahead of the China update.", "bearish", {"NKE": "reduce"}, None),
    ("Buy NVDA and AVGO for the next 6 months.", "bullish", {"NVDA": "long", "AVGO": "long"}, (180, 180)),
    ("Trim AAPL and rotate into MSFT over the next quarter.", "relative", {"AAPL": "reduce", "MSFT": "long"}, (90, 90)),
    (
        "Do not sell Rheinmetall on this dip; the order backlog covers three years of output.",
        "neutral",
        {"RHM.DE": "hold"},
        None,
    ),
    (
        "Don't add to Meta Platforms until ad pricing stabilises, hold the existing position.",
        "neutral",
        {"META": "hold"},
        None,
    ),
    ("Avoid shorting Tesla into the delivery report; the squeeze risk is high.", "neutral", {"TSLA": "hold"}, None),
    ("Do not chase Palantir after the index inclusion; wait for a pullback.", "neutral", {"PLTR": "hold"}, None),
    ("Avoid adding to Boeing until the FAA lifts the production cap.", "bearish", {"BA": "reduce"}, None),
    (
        "Avoid US homebuilders for the next two quarters as affordability worsens.",
        "bearish",
        {"basket:us-homebuilders": "reduce"},
        (180, 180),
    ),
    ("Never short Costco into the holiday quarter.", "neutral", {"COST": "hold"}, None),
    ("Avoid trading Airbus on the tariff headlines; keep current weights.", "neutral", {"AIR.PA": "hold"}, None),
    ("No longer hold Pfizer; the pipeline gap is too wide.", "bearish", {"PFE": "reduce"}, None),
    ("Buy Amazon, not Walmart, for the next 6 months.", "bullish", {"AMZN": "long"}, (180, 180)),
    (
        "Pair long Goldman Sachs against short Morgan Stanley over the next quarter.",
        "relative",
        {"GS": "long", "MS": "short"},
        (90, 90),
    ),
    (
        "Long Visa versus short Mastercard for 3-6 months on cross-border volumes.",
        "relative",
        {"V": "long", "MA": "short"},
        (90, 180),
    ),
    ("Underweight Intel versus AMD on a 12-month horizon.", "relative", {"INTC": "reduce", "AMD": "long"}, (365, 365)),
    (
        "Overweight Lockheed Martin relative to Boeing for the next 6-12 months.",
        "relative",
        {"LMT": "long", "BA": "reduce"},
        (180, 365),
    ),
    (
        "Prefer Exxon Mobil over Chevron for the next two quarters.",
        "relative",
        {"XOM": "long", "CVX": "reduce"},
        (180, 180),
    ),
    (
        "Pair European defense longs with a short in European banks for the next 3-6 months.",
        "relative",
        {"basket:european-defense": "long", "basket:european-banks": "short"},
        (90, 180),
    ),
    (
        "Buy Qualcomm against a short in Apple over one to two quarters.",
        "relative",
        {"QCOM": "long", "AAPL": "short"},
        (90, 180),
    ),
    (
        "Reduce RTX relative to Thales on a 6-12 month horizon.",
        "relative",
        {"RTX": "reduce", "HO.PA": "long"},
        (180, 365),
    ),
    (
        "Keep a core long in Nvidia but fund it with a short in Intel over the next 6 months.",
        "relative",
        {"NVDA": "long", "INTC": "funding"},
        (180, 180),
    ),
    (
        "Overweight Cybersecurity for 6-12 months, funded by a short in Cisco.",
        "relative",
        {"basket:cybersecurity": "long", "CSCO": "funding"},
        (180, 365),
    ),
    (
        "Go long GLP-1 pharma, financed by shorts in US homebuilders, over the next quarter.",
        "relative",
        {"basket:glp-1-pharma": "long", "basket:us-homebuilders": "funding"},
        (90, 90),
    ),
    (
        "Rotate from Intel into Nvidia over the next 12-18 months.",
        "relative",
        {"INTC": "reduce", "NVDA": "long"},
        (365, 540),
    ),
    (
        "Switch out of Oil majors into LNG exporters for the next 6 months.",
        "relative",
        {"basket:oil-majors": "reduce", "basket:lng-exporters": "long"},
        (180, 180),
    ),
    (
        "Take profits in Gold miners and redeploy the proceeds into Copper and battery metals on a 6-month horizon.",
        "relative",
        {"basket:gold-miners": "reduce", "basket:copper-and-battery-metals": "long"},
        (180, 180),
    ),
    (
        "Rotate part of the Memory chips exposure toward Semiconductor equipment over the next 3-6 months.",
        "relative",
        {"basket:memory-chips": "reduce", "basket:semiconductor-equipment": "long"},
        (90, 180),
    ),
    ("Sell Ford and buy General Motors over the next quarter.", "relative", {"F": "reduce", "GM": "long"}, (90, 90)),
    (
        "Hedge the AI compute leaders basket with a short in Super Micro Computer for one month.",
        "hedge",
        {"basket:ai-compute-leaders": "hold", "SMCI": "short"},
        (30, 30),
    ),
    (
        "Hedge US regional banks exposure with puts on Western Alliance over the next two months.",
        "hedge",
        {"basket:us-regional-banks": "hold", "WAL": "short"},
        (60, 60),
    ),
    (
        "Hedge with a tactical short in Luxury goods for the next 1-2 months.",
        "hedge",
        {"basket:luxury-goods": "short"},
        (30, 60),
    ),
    ("Protect gains in Nvidia with put spreads with three months to expiry.", "hedge", {"NVDA": "short"}, (90, 90)),
    ("Buy call spreads on Micron with three months to expiry ahead of earnings.", "bullish", {"MU": "long"}, (90, 90)),
    ("Buy Tesla puts for the next month; deliveries look soft.", "bearish", {"TSLA": "short"}, (30, 30)),
    ("Sell puts on Salesforce to enter below $250 over the next 2 months.", "bullish", {"CRM": "long"}, (60, 60)),
    (
        "Buy 6-month put spreads on Chinese tech platforms as the regulatory review drags.",
        "bearish",
        {"basket:china-internet-platforms": "short"},
        (180, 180),
    ),
    (
        "Overweight Gold miners, led by Newmont and Agnico Eagle, for the next 3-6 months.",
        "bullish",
        {"basket:gold-miners": "long", "NEM": "long", "AEM.TO": "long"},
        (90, 180),
    ),
    (
        "Trim US defense primes over the next quarter while keeping core positions in Lockheed Martin and "
        "General Dynamics.",
        "bearish",
        {"basket:us-defense-primes": "reduce", "LMT": "hold", "GD": "hold"},
        (90, 90),
    ),
    (
        "Underweight Rate-sensitive utilities for one to two quarters as yields rise.",
        "bearish",
        {"basket:rate-sensitive-utilities": "reduce"},
        (90, 180),
    ),
    (
        "Add Shipping and logistics names such as Maersk on a 3-month horizon.",
        "bullish",
        {"basket:shipping-and-logistics": "long", "MAERSK-B.CO": "long"},
        (90, 90),
    ),
    (
        "Buy Oracle over the next 6 months if Microsoft confirms the cloud capex guide.",
        "bullish",
        {"ORCL": "long"},
        (180, 180),
    ),
    (
        "Accumulate Siemens Energy as Vestas struggles with offshore costs, on a 12-18 month view.",
        "bullish",
        {"ENR.DE": "long"},
        (365, 540),
    ),
    ("Short Frontline once tanker rates roll over; stop out above the March high.", "bearish", {"FRO": "short"}, None),
    (
        "Maintain the Japan defense overweight and add on dips over the next 6-12 months.",
        "bullish",
        {"basket:japan-defense": "long"},
        (180, 365),
    ),
    ("Hold Mastercard and add on any pullback below the 200-day average.", "bullish", {"MA": "long"}, None),
    ("Keep Alphabet but trim into strength over the next month.", "bearish", {"GOOGL": "reduce"}, (30, 30)),
    (
        "Overweight Eaton for the next 6-12 months; trim if the stock runs 20% ahead of orders.",
        "bullish",
        {"ETN": "long"},
        (180, 365),
    ),
    ("Watch Memory chips for a price turn; no position for now.", "neutral", {"basket:memory-chips": "hold"}, None),
    ("Buy Uber for six weeks around the autonomy event.", "bullish", {"UBER": "long"}, (42, 42)),
    ("Add Netflix over a 3- to 6-month horizon.", "bullish", {"NFLX": "long"}, (90, 180)),
    ("Accumulate Hubbell over the coming year as grid orders compound.", "bullish", {"HUBB": "long"}, (365, 365)),
    (
        "Overweight European banks for a quarter or two while curves steepen.",
        "bullish",
        {"basket:european-banks": "long"},
        (90, 180),
    ),
    ("Buy Eli Lilly within the next two weeks before the label update.", "bullish", {"LLY": "long"}, (14, 14)),
    ("Avoid chasing the rally in defense after the budget headlines.", "neutral", {}, None),
    ("Stay defensive and keep cash high until the payrolls data.", "neutral", {}, None),
    ("", None, {}, None),
    ("12345", None, {}, None),
    (
        "Do not short Lockheed Martin ahead of the budget vote; the backlog is locked in.",
        "neutral",
        {"LMT": "hold"},
        None,
    ),
    ("We would avoid shorting Rheinmetall despite the rally.", "neutral", {"RHM.DE": "hold"}, None),
    (
        "Don't add to Apple until the services growth re-accelerates; hold the existing position.",
        "neutral",
        {"AAPL": "hold"},
        None,
    ),
    (
        "Keep a core long in Alphabet but fund it with a short in Meta Platforms over the next quarter.",
        "relative",
        {"GOOGL": "long", "META": "funding"},
        (90, 90),
    ),
    (
        "Underweight European banks versus US money-center banks over one to two quarters.",
        "relative",
        {"basket:european-banks": "reduce", "basket:us-money-center-banks": "long"},
        (90, 180),
    ),
    (
        "Rotate from Luxury goods into India domestic growth on a 6-month horizon.",
        "relative",
        {"basket:luxury-goods": "reduce", "basket:india-domestic-growth": "long"},
        (180, 180),
    ),
    (
        "Hedge the European defense basket with a short in Airbus for one month.",
        "hedge",
        {"basket:european-defense": "hold", "AIR.PA": "short"},
        (30, 30),
    ),
    (
        "Trim Microsoft after the run and rotate the proceeds into Amazon over 12-24 months.",
        "relative",
        {"MSFT": "reduce", "AMZN": "long"},
        (365, 730),
    ),
    ("Buy Nvidia call spreads with three months to expiry.", "bullish", {"NVDA": "long"}, (90, 90)),
    (
        "Stay underweight Rate-sensitive utilities over the next quarter.",
        "bearish",
        {"basket:rate-sensitive-utilities": "reduce"},
        (90, 90),
    ),
    (
        "Hold existing US defense primes weights and wait for the appropriations bill.",
        "neutral",
        {"basket:us-defense-primes": "hold"},
        None,
    ),
    (
        "Sell Netflix ahead of the subscriber update and stay out for one month.",
        "bearish",
        {"NFLX": "reduce"},
        (30, 30),
    ),
    (
        "Short the EV makers basket for the next 3-6 months as price cuts spread.",
        "bearish",
        {"basket:ev-makers": "short"},
        (90, 180),
    ),
    ("Buy puts on Boeing with three months to expiry.", "bearish", {"BA": "short"}, (90, 90)),
    (
        "Take profits in Micron and Western Digital over the next month.",
        "bearish",
        {"MU": "reduce", "WDC": "reduce"},
        (30, 30),
    ),
    (
        "Reduce exposure to China internet platforms; revisit in the next quarter.",
        "bearish",
        {"basket:china-internet-platforms": "reduce"},
        (90, 90),
    ),
    (
        "Go long Japan autos against short Korean exporters for 3 months.",
        "bullish",
        {"basket:japan-autos": "long"},
        (90, 90),
    ),
    (
        "Accumulate Costco on any pullback for the next 12 months, but do not chase it above $1,000.",
        "bullish",
        {"COST": "long"},
        (365, 365),
    ),
    (
        "Switch from Chevron to ConocoPhillips over the next 6-12 months.",
        "relative",
        {"CVX": "reduce", "COP": "long"},
        (180, 365),
    ),
    (
        "Overweight Semiconductor equipment over Memory chips for the next two quarters.",
        "relative",
        {"basket:semiconductor-equipment": "long", "basket:memory-chips": "reduce"},
        (180, 180),
    ),
    ("Initiate a position in CrowdStrike over the next quarter.", "bullish", {"CRWD": "long"}, (90, 90)),
    ("Cover shorts in Tesla before the earnings call.", "bullish", {"TSLA": "long"}, None),
    ("Close the long in Qualcomm and stay on the sidelines for one month.", "bearish", {"QCOM": "reduce"}, (30, 30)),
    (
        "Hedge Nvidia exposure with inexpensive put spreads for the next 3 months rather than selling the shares.",
        "hedge",
        {"NVDA": "short"},
        (90, 90),
    ),
    ("Maintain the underweight in Intel for 6-12 months.", "bearish", {"INTC": "reduce"}, (180, 365)),
    (
        "Keep the long in Exxon Mobil and the short in Chevron for another quarter.",
        "relative",
        {"XOM": "long", "CVX": "short"},
        (90, 90),
    ),
    (
        "Add modestly to Eli Lilly and Novo Nordisk within a GLP-1 pharma allocation over the next 6 months.",
        "bullish",
        {"LLY": "long", "NOVO-B.CO": "long", "basket:glp-1-pharma": "long"},
        (180, 180),
    ),
    ("Buy Apple shares rather than calls for the next 6 months.", "bullish", {"AAPL": "long"}, (180, 180)),
    (
        "Avoid adding Kratos Defense until the contract awards; hold current weights in AeroVironment.",
        "bearish",
        {"KTOS": "reduce", "AVAV": "hold"},
        None,
    ),
    (
        "Don't sell Vistra on the power-price dip; stay with the position over the next quarter.",
        "neutral",
        {"VST": "hold"},
        (90, 90),
    ),
    (
        "We like Broadcom into the AI networking cycle; buy for the next 6 months.",
        "bullish",
        {"AVGO": "long"},
        (180, 180),
    ),
    ("Initiate a short in Lennar over the next quarter as incentives rise.", "bearish", {"LEN": "short"}, (90, 90)),
    (
        "Put on a pair: long Mastercard, short PayPal, for 3-6 months.",
        "relative",
        {"MA": "long", "PYPL": "short"},
        (90, 180),
    ),
    ("Apple (AAPL): trim into the launch event.", "bearish", {"AAPL": "reduce"}, None),
    ("Move to neutral on Salesforce until margins re-expand.", "neutral", {"CRM": "hold"}, None),
    ("Reduce Tesla to neutral weight over the next month.", "bearish", {"TSLA": "reduce"}, (30, 30)),
    (
        "Buy Caterpillar on dips. Sell Deere into strength over the next quarter.",
        "relative",
        {"CAT": "long", "DE": "reduce"},
        (90, 90),
    ),
    (
        "Position for upside in Freeport-McMoRan with calls expiring in three months.",
        "bullish",
        {"FCX": "long"},
        (90, 90),
    ),
    (
        "Express the view through a long in Cheniere Energy for the next 6-9 months.",
        "bullish",
        {"LNG": "long"},
        (180, 270),
    ),
    ("Sell covered calls on Microsoft for the next month to harvest premium.", "bearish", {"MSFT": "short"}, (30, 30)),
    (
        "Exit Nike and Walt Disney for the next two quarters; consumer demand is fading.",
        "bearish",
        {"NKE": "reduce", "DIS": "reduce"},
        (180, 180),
    ),
    ("Buy the dip in AMD over the next 3 months.", "bullish", {"AMD": "long"}, (90, 90)),
    (
        "Lock in gains on Vistra and move the proceeds into Constellation Energy.",
        "relative",
        {"VST": "reduce", "CEG": "long"},
        None,
    ),
    ("Favour Visa over American Express for the next year.", "relative", {"V": "long", "AXP": "reduce"}, (365, 365)),
    ("Be short Tesla into earnings, with a stop above $300.", "bearish", {"TSLA": "short"}, None),
    (
        "Add to Japan infrastructure hardening names while trimming China-exposed Japanese exporters over the "
        "next quarter.",
        "relative",
        {"basket:japan-infrastructure-hardening": "long", "basket:china-exposed-japanese-exporters": "reduce"},
        (90, 90),
    ),
    ("Keep holding Berkshire Hathaway; no action needed.", "neutral", {"BRK-B": "hold"}, None),
    (
        "Hedge the Copper and battery metals long with puts on Freeport-McMoRan for one month.",
        "hedge",
        {"basket:copper-and-battery-metals": "long", "FCX": "short"},
        (30, 30),
    ),
    (
        "Avoid Chinese EV makers and Tesla until the price war ends.",
        "bearish",
        {"basket:ev-makers": "reduce", "TSLA": "reduce"},
        None,
    ),
    ("Buy Amazon if AWS growth re-accelerates, otherwise hold.", "bullish", {"AMZN": "long"}, None),
    (
        "Increase exposure to Cybersecurity names such as CrowdStrike and Zscaler over the next 6-12 months.",
        "bullish",
        {"basket:cybersecurity": "long", "CRWD": "long", "ZS": "long"},
        (180, 365),
    ),
    (
        "Scale back US regional banks to underweight for the next quarter as commercial real estate losses build.",
        "bearish",
        {"basket:us-regional-banks": "reduce"},
        (90, 90),
    ),
    # an unknown name (Carvana is in the listing universe now, and the parser reads "Short Carvana?" as a short)
    ("Short Zorblax? No: sell Ford into the rally over the next month.", "bearish", {"F": "reduce"}, (30, 30)),
    (
        "Do not buy Intel yet; wait for the foundry spin-off over the next two quarters.",
        "neutral",
        {"INTC": "hold"},
        (180, 180),
    ),
    ("Buy Boeing only if deliveries recover; otherwise stay on the sidelines.", "bullish", {"BA": "long"}, None),
    (
        "Hold Lockheed Martin, Northrop Grumman and General Dynamics through the budget debate.",
        "neutral",
        {"LMT": "hold", "NOC": "hold", "GD": "hold"},
        None,
    ),
    (
        "Underweight Apple and overweight Microsoft for the next 6-12 months.",
        "relative",
        {"AAPL": "reduce", "MSFT": "long"},
        (180, 365),
    ),
    ("Short Intel, long Nvidia, over one to two quarters.", "relative", {"INTC": "short", "NVDA": "long"}, (90, 180)),
    (
        "Sell short US homebuilders over the next quarter as mortgage rates reset higher.",
        "bearish",
        {"basket:us-homebuilders": "short"},
        (90, 90),
    ),
    (
        "Trim Gold miners into strength but keep a core position for the next 6 months.",
        "bearish",
        {"basket:gold-miners": "reduce"},
        (180, 180),
    ),
    (
        "Add to Oil majors on dips, funded by trimming Rate-sensitive utilities, over 3-6 months.",
        "relative",
        {"basket:oil-majors": "long", "basket:rate-sensitive-utilities": "reduce"},
        (90, 180),
    ),
    (
        "Avoid Luxury goods and European banks for now; revisit after the ECB meeting.",
        "bearish",
        {"basket:luxury-goods": "reduce", "basket:european-banks": "reduce"},
        None,
    ),
    (
        "Overweight India domestic growth, but hedge with puts on Tata Consultancy Services for one month.",
        "relative",
        {"basket:india-domestic-growth": "long", "TCS.NS": "short"},
        (30, 30),
    ),
    (
        "Hedge the Japan autos position by shorting Toyota Motor for the next 2 months.",
        "hedge",
        {"basket:japan-autos": "hold", "7203.T": "short"},
        (60, 60),
    ),
    ("Keep the short in Tesla for another quarter; deliveries keep missing.", "bearish", {"TSLA": "short"}, (90, 90)),
    (
        "Exit the pair: close the long in Visa and cover the short in PayPal.",
        "relative",
        {"V": "reduce", "PYPL": "long"},
        None,
    ),
    ("Buy Newmont on a break above $60, targeting $70 within three months.", "bullish", {"NEM": "long"}, (90, 90)),
    (
        "Reallocate from Memory chips to AI compute leaders over the coming year.",
        "relative",
        {"basket:memory-chips": "reduce", "basket:ai-compute-leaders": "long"},
        (365, 365),
    ),
    (
        "Stay long Japan defense and do not add until the December budget.",
        "bullish",
        {"basket:japan-defense": "long"},
        None,
    ),
    (
        "Reduce Shipping and logistics to half weight over the next two weeks.",
        "bearish",
        {"basket:shipping-and-logistics": "reduce"},
        (14, 14),
    ),
    # more verbs, rotations within a group, descriptions after ';', hedges with options
    (
        "Reduce the overweight in Japan defense to neutral over the next quarter.",
        "bearish",
        {"basket:japan-defense": "reduce"},
        (90, 90),
    ),
    ("Step aside from Boeing until the production audit is complete.", "bearish", {"BA": "reduce"}, None),
    ("Swap Intel for AMD over the next 6 months.", "relative", {"INTC": "reduce", "AMD": "long"}, (180, 180)),
    (
        "Replace Chevron with Exxon Mobil in the energy sleeve for one to two quarters.",
        "relative",
        {"CVX": "reduce", "XOM": "long"},
        (90, 180),
    ),
    ("Prefer Visa to Mastercard on a 12-month horizon.", "relative", {"V": "long", "MA": "reduce"}, (365, 365)),
    ("Hold off on buying Tesla until margins trough.", "neutral", {"TSLA": "hold"}, None),
    ("We are sellers of Nike into the print.", "bearish", {"NKE": "reduce"}, None),
    ("Micron is a hold here; wait for the pricing data.", "neutral", {"MU": "hold"}, None),
    ("Netflix remains a buy for the next 6-12 months.", "bullish", {"NFLX": "long"}, (180, 365)),
    ("Sell the rally in Tesla over the next month.", "bearish", {"TSLA": "reduce"}, (30, 30)),
    (
        "No new longs in China internet platforms until the review ends.",
        "neutral",
        {"basket:china-internet-platforms": "hold"},
        None,
    ),
    (
        "Do not chase Nvidia; buy AMD instead for the next quarter.",
        "bullish",
        {"NVDA": "hold", "AMD": "long"},
        (90, 90),
    ),
    ("Trim Eli Lilly by 25% and hold the rest for the next 6 months.", "bearish", {"LLY": "reduce"}, (180, 180)),
    (
        "Run a long Apple / short Samsung Electronics pair over the next quarter.",
        "relative",
        {"AAPL": "long", "005930.KS": "short"},
        (90, 90),
    ),
    ("Continue to accumulate Siemens Energy on weakness over 12-24 months.", "bullish", {"ENR.DE": "long"}, (365, 730)),
    ("Sell Apple to buy Microsoft over the next 6 months.", "relative", {"AAPL": "reduce", "MSFT": "long"}, (180, 180)),
    (
        "Take profits on half of the Gold miners position and keep the rest.",
        "bearish",
        {"basket:gold-miners": "reduce"},
        None,
    ),
    ("Close the long in Qualcomm; the handset cycle has peaked.", "bearish", {"QCOM": "reduce"}, None),
    (
        "Buy put spreads on the EV makers basket with three months to expiry.",
        "bearish",
        {"basket:ev-makers": "short"},
        (90, 90),
    ),
    (
        "Keep underweight Rate-sensitive utilities for 3-6 months.",
        "bearish",
        {"basket:rate-sensitive-utilities": "reduce"},
        (90, 180),
    ),
    (
        "Avoid repositioning Alphabet or Microsoft on the guidance; compliance costs are immaterial.",
        "neutral",
        {"GOOGL": "hold", "MSFT": "hold"},
        None,
    ),
    (
        "Rotate within Japan autos from Nissan Motor into Toyota Motor over the next 3-6 months.",
        "relative",
        {"7201.T": "reduce", "7203.T": "long"},
        (90, 180),
    ),
    (
        "Pair long SK Hynix against short Samsung Electronics; the spread captures margin shifting from assemblers "
        "to memory makers.",
        "relative",
        {"000660.KS": "long", "005930.KS": "short"},
        None,
    ),
    (
        "Avoid Medtronic until robotic volumes prove competitive, and revisit after next year's first-half data.",
        "bearish",
        {"MDT": "reduce"},
        None,
    ),
    (
        "Add Hon Hai Precision over the next 3-6 months as a server-assembly beneficiary of faster Oracle builds.",
        "bullish",
        {"2317.TW": "long"},
        (90, 180),
    ),
    (
        "Hedge the currency leg of Japan autos exposure with yen call options over the next 1-2 months.",
        "hedge",
        {"basket:japan-autos": "hold"},
        (30, 60),
    ),
    (
        "Hedge remaining Petrobras and Itau Unibanco exposure with put spreads for one month.",
        "hedge",
        {"PETR4.SA": "short", "ITUB4.SA": "short"},
        (30, 30),
    ),
    (
        "Avoid chasing Bharat Electronics on the news; accumulate only on pullbacks of 10% or more.",
        "neutral",
        {"BEL.NS": "hold"},
        None,
    ),
    ("Positioning: the desk buys Nvidia for the next quarter.", "bullish", {"NVDA": "long"}, (90, 90)),
    ("Prefer Visa for its margins to Mastercard.", "relative", {"V": "long", "MA": "reduce"}, None),
]


def parse(text: str) -> Decision:
    return default_context().decisions.parse(Decision(1, text))


def refs(d: Decision) -> dict[str, str]:
    return {leg.get("ticker") or f"basket:{leg['basket']}": leg["side"] for leg in d.instruments}


@pytest.mark.parametrize(("text", "direction", "legs", "horizon"), EXPOSURES, ids=[r[0][:60] for r in EXPOSURES])
def test_exposures(text, direction, legs, horizon) -> None:
    d = parse(text)
    got_horizon = None if d.horizon_min_days is None else (d.horizon_min_days, d.horizon_max_days)
    assert (d.direction, refs(d), got_horizon) == (direction, legs, horizon)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        ";;;",
        "(((",
        "Buy",
        "not not not",
        "Hedge with with with versus against into from",
        "Avoid avoid avoid Apple Apple Apple",
        "Buy 😀 Nvidia — ☃ for the next 3-6 months",
        "Pair long " + "Apple and Microsoft against short " * 200 + "Intel",
        "Sell puts",
        "Buy Apple\n\nSell Intel\r\n - short Tesla",
        "if if if Nvidia",
        "Rotate from into toward Intel",
    ],
)
def test_odd_bullets_parse_without_error(text) -> None:
    d = parse(text)
    assert all(leg["side"] in SIDES for leg in d.instruments)
    assert d.direction in (None, "bullish", "bearish", "hedge", "relative", "neutral")


def test_every_leg_of_the_table_has_a_known_side() -> None:
    sides = {side for _t, _d, legs, _h in EXPOSURES for side in legs.values()}
    assert sides == set(SIDES)


def demo_bullets() -> list[str]:
    out = []
    for path in sorted((ROOT / "data" / "demo").glob("*.txt")):
        text = path.read_text("utf-8")
        out += [line.strip(" \u2022\t") for line in text.splitlines() if line.strip().startswith("\u2022")]
    return out


def test_scanner_finds_what_the_single_alternation_finds() -> None:
    texts = [r[0] for r in EXPOSURES] + demo_bullets()
    assert len(texts) > 300
    for text in texts:
        assert _SCANNER.scan(text) == _SCANNER.scan_single(text), text


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (r"buy(?:s|ing)?", {"buy", "buys", "buying"}),
        (r"(?:go|get)\s+long|longs?", {"go", "get", "long", "longs"}),
        (r"don['’]t|do\s+not", {"don", "do"}),
        (r"re-?enter", {"re", "reenter"}),
        (r"(?:the\s+)?proceeds", {"the", "proceeds"}),
        (r"stop(?=\s+\w+ing\b)", {"stop"}),
        (r"as(?!\s+a)", {"as"}),
        (r"fund(?:s|ed){0,1}\s+it", {"fund", "funds", "funded"}),
        (r"\w+ing", None),
        (r"[a-z]+", None),
        (r"x+y", None),
        (r"\s*x", None),
        (r"(?:a|)b", {"ab", "b"}),
        (r"fund{2}", None),
        (r"buy(?:ing)??", {"buy", "buying"}),
    ],
)
def test_first_words(pattern, words) -> None:
    assert first_words(pattern) == (None if words is None else frozenset(words))


@pytest.mark.parametrize(
    ("instruments", "text"),
    [
        (
            [
                {"name": "Apple", "ticker": "AAPL", "side": "reduce"},
                {"name": "Microsoft", "ticker": "MSFT", "side": "long"},
            ],
            "reduce AAPL; long MSFT",
        ),
        ([{"name": "Gold miners", "basket": "gold-miners", "side": "long"}], "long Gold miners"),
        ([{"basket": "gold-miners", "side": "hold"}], "hold gold-miners"),
        ([{"ticker": "TSLA"}], "? TSLA"),
        ([{"side": "long"}, "junk", 3], ""),
        ([], ""),
        (None, ""),
        ("[{}]", ""),
    ],
)
def test_exposure_text(instruments, text) -> None:
    assert exposure_text(instruments) == text


def test_with_exposures_reads_json_text_and_lists() -> None:
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "instruments": [
                json.dumps([{"ticker": "AAPL", "side": "reduce"}, {"ticker": "MSFT", "side": "long"}]),
                [{"basket": "ev-makers", "name": "EV makers", "side": "funding"}],
                "not json",
                None,
            ],
            "structure": ["pair", "basket", None, None],
        }
    )
    out = with_exposures(frame)
    assert list(out.columns) == ["id", "instruments", "exposures", "structure"]
    assert out["exposures"].tolist() == ["reduce AAPL; long MSFT", "funding EV makers", None, None]
    assert "exposures" not in frame.columns  # the caller's frame is left alone
    assert list(with_exposures(pd.DataFrame({"id": ["x"]})).columns) == ["id"]


NOTE_PAGE = """Back to News
Market Impact: 0.40
Published: 2026-03-02T09:00:00Z
Source: Test Desk
Note: written for the newsdesk tests; not real news.

Desk positioning note

Financial Markets & Banking
Desk positioning note

A positioning note for the decision tests.

Analysis

The desk restates its trades.

Market Sentiment

Overall Sentiment

neutral

Sentiment Score

0.00

Key Decisions for Investors

  \u2022 Trim Apple into strength and rotate the proceeds into Microsoft over the next quarter.
  \u2022 Do not short Rheinmetall here; the order book supports the multiple.
  \u2022 Hedge the AI compute leaders basket with a short in Super Micro Computer for one month.
  \u2022 Underweight US regional banks versus US money-center banks for one to two quarters.
"""
WANT = [
    {"AAPL": "reduce", "MSFT": "long"},
    {"RHM.DE": "hold"},
    {"basket:ai-compute-leaders": "hold", "SMCI": "short"},
    {"basket:us-regional-banks": "reduce", "basket:us-money-center-banks": "long"},
]


def cli(*args: str) -> subprocess.CompletedProcess:
    return run_cli(*args)


def stored(db: Path) -> tuple[list[dict], set[tuple[str, str]]]:
    with sqlite3.connect(db) as conn:
        legs = [
            {leg.get("ticker") or f"basket:{leg['basket']}": leg["side"] for leg in json.loads(r[0])}
            for r in conn.execute("SELECT instruments FROM decisions ORDER BY position")
        ]
        links = set(conn.execute("SELECT basket_id, side FROM decision_baskets"))
    return legs, links


def test_rescore_parses_the_decisions_of_an_existing_database_again(tmp_path) -> None:
    page, db = tmp_path / "note.txt", tmp_path / "desk.db"
    page.write_text(NOTE_PAGE, "utf-8")
    assert cli("ingest", str(page), "--db", str(db)).returncode == 0
    legs, links = stored(db)
    assert legs == WANT
    want_links = {("ai-compute-leaders", "hold"), ("us-regional-banks", "reduce"), ("us-money-center-banks", "long")}
    assert links == want_links
    # what an older parser stored: every leg long or short, under an older scorer version
    with sqlite3.connect(db) as conn:
        for position, row in enumerate(WANT, start=1):
            old = [{"ticker": ref, "side": "short"} for ref in row if not ref.startswith("basket:")]
            conn.execute(
                "UPDATE decisions SET instruments = ?, direction = 'bearish' WHERE position = ?",
                [json.dumps(old), position],
            )
        conn.execute("UPDATE decision_baskets SET side = 'short'")
        conn.execute("UPDATE articles SET scorer_version = 'finance/0+pipeline/1'")
    assert stored(db)[0][0] == {"AAPL": "short", "MSFT": "short"}
    result = cli("rescore", "--db", str(db))
    assert (result.returncode, result.stdout.split()[:2]) == (0, ["Rescored", "1"])
    assert stored(db) == (WANT, want_links)
    assert cli("rescore", "--db", str(db)).stdout.startswith("Nothing to rescore")
    assert cli("rescore", "--all", "--db", str(db)).stdout.split()[:2] == ["Rescored", "1"]
    assert stored(db) == (WANT, want_links)
    out = tmp_path / "d.csv"
    assert cli("export", "decisions", "-o", str(out), "--db", str(db)).returncode == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert [r["exposures"] for r in rows] == [
        "reduce AAPL; long MSFT",
        "hold RHM.DE",
        "hold AI compute leaders; short SMCI",
        "reduce US regional banks; long US money-center banks",
    ]
    assert [r["direction"] for r in rows] == ["relative", "neutral", "hedge", "relative"]
    assert list(rows[0]).index("exposures") == list(rows[0]).index("instruments") + 1


@pytest.mark.parametrize(
    ("value", "legs"),
    [
        ('[{"ticker": "AAPL", "side": "long"}]', [{"ticker": "AAPL", "side": "long"}]),
        ([{"basket": "gold-miners", "side": "hold"}], [{"basket": "gold-miners", "side": "hold"}]),
        ('[{"ticker": "A"}, "junk", 3, null]', [{"ticker": "A"}]),
        ("not json", []),
        ('{"ticker": "AAPL"}', []),
        ("", []),
        (None, []),
        (float("nan"), []),
        (pd.NA, []),
        (42, []),
    ],
)
def test_decode_legs_is_the_one_decoder(value, legs) -> None:
    from newsdesk.domain.legs import decode_legs

    assert decode_legs(value) == legs


def test_every_decision_read_gives_the_legs_decoded_with_their_exposures(tmp_path) -> None:
    """Of a view, of an article, of a basket: one shape (legs as lists, ``exposures`` after them),
    and the Baskets page's decisions CSV, through the one writer, carries each decision's exposure."""
    from components.cards import decisions_csv
    from newsdesk.db import open as open_database
    from newsdesk.db.read import decisions
    from newsdesk.domain.filters import Filters
    from newsdesk.flows.export import decisions_csv as writer

    page, db = tmp_path / "note.txt", tmp_path / "desk.db"
    page.write_text(NOTE_PAGE, "utf-8")
    assert cli("ingest", str(page), "--db", str(db)).returncode == 0
    with open_database(db, readonly=True) as conn:
        view = decisions.decisions(conn, Filters(market="all"))
        article = decisions.article_decisions(conn, view["article_id"].iloc[0])
        basket = decisions.basket_decisions(conn, "us-regional-banks")
    for frame in (view, article, basket):
        assert list(frame.columns).index("exposures") == list(frame.columns).index("instruments") + 1
        assert all(isinstance(v, list) and v for v in frame["instruments"])
    assert view["exposures"].tolist() == article["exposures"].tolist()
    assert basket["exposures"].tolist() == ["reduce US regional banks; long US money-center banks"]
    human = list(csv.DictReader(io.StringIO(decisions_csv(basket, columns="human").decode("utf-8-sig"))))
    assert [r["exposure"] for r in human] == ["reduce US regional banks; long US money-center banks"]
    every = list(csv.DictReader(io.StringIO(writer(basket, "all").decode("utf-8-sig"))))
    assert [r["exposures"] for r in every] == ["reduce US regional banks; long US money-center banks"]
    assert json.loads(every[0]["instruments"])[0]["basket"] == "us-regional-banks"
