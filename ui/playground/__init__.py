"""The Filter Playground's sidebar controls (``controls``), its whole-photo sections (``sections``), and the
step-through lab of the sliding window (``step_through``)."""
