"""Metric registry, periods, statistics, disclosure control and caveats: plain Python, no Streamlit."""
