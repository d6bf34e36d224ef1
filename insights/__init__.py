"""Queries and chart builders over the archive: pandas and Altair, no Streamlit."""
