"""The exam app: a thin Streamlit UI over questionbank (every rule lives in the library)."""
