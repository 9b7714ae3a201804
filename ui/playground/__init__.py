"""The Filter Playground: its session-state keys (``state_keys``), its sidebar controls (``controls``), its
whole-photo sections (``sections``), and the step-through lab of the sliding window (``step_through``)."""
