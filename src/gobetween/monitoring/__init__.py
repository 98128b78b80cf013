"""The joint implementation record: obligations, events, figures, term clock."""
