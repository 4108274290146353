"""Pure Altair chart builders: data frames of aggregates in, `alt.Chart` out; no streamlit."""
