"""The Filter Playground: its session-state keys (``state_keys``), its controls (``controls``: the sidebar's input
and kernel, the layer's stride, padding and pooling), the part of the page below the section choice, which reruns
on its own (``chosen_section``), its whole-photo sections (``sections``), and the step-through lab of the sliding
window (``step_through``)."""
