"""Reports to share: one account or a group over a period, as one self-contained HTML file or an A4 PDF."""
