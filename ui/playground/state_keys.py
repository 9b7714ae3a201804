"""Every session-state key of the Filter Playground, with what it holds. Widgets hold their own value under theirs.

The image picker adds ``playground_source``, ``playground_sample``, ``playground_upload`` and
``playground_camera`` (see :mod:`ui.image_picker`); the page link is kept under ``url_settings_playground``.
"""

# Sidebar (each also a page-link setting, named after the = sign).
CHANNELS = "channels"  # radio: grayscale or RGB (channels=)
NOISE = "noise"  # selectbox: no noise, Gaussian, salt and pepper (noise=)
NOISE_LEVEL = "noise_level"  # slider: how much noise (noise_level=)
KERNEL = "kernel_name"  # selectbox: the kernel (kernel=)
AUTO_SIGMA = "auto_sigma"  # checkbox: OpenCV's sigma for the Gaussian (auto_sigma=)
SIGMA = "sigma"  # slider: the Gaussian's sigma (sigma=)
STRIDE = "stride"  # slider (stride=)
PADDING = "padding_mode"  # radio: valid, same or a number (padding=)
PADDING_AMOUNT = "padding_amount"  # number input: zeros on each side (padding_amount=)
RELU = "relu"  # checkbox: ReLU after the convolution (relu=)
POOLING = "pool_mode"  # radio: none, max or average (pool=)
POOL_SIZE = "pool_size"  # slider (pool_size=)
CUSTOM_ROWS = "custom_rows"  # number input: a custom kernel's height
CUSTOM_COLUMNS = "custom_cols"  # number input: a custom kernel's width

# The page.
SECTION = "section"  # segmented control: which section is shown (section=)
KERNEL_GRID = "kernel_grid"  # chart: the kernel's numbers
DOWNLOAD_FEATURE_MAP = "download_feature_map"  # download button
DOWNLOAD_POOLED = "download_pooled"  # download button
COMPARE_KERNEL = "compare_kernel"  # selectbox: the second kernel to compare
NOISE_LAB_SIZE = "noise_lab_size"  # select slider: kernel size in the noise lab
LAB_SIZE = "lab_size"  # slider: the step-through input's side
LAB_SHUFFLE = "lab_shuffle"  # button: new random numbers for the step-through
LAB_SEED = "lab_seed"  # the step-through input's random seed (kept by the page)
LAB_INPUT = "lab_input"  # chart: the padded step-through input
LAB_KERNEL = "lab_kernel"  # chart: the kernel in the step-through
LAB_PRODUCTS = "lab_products"  # chart: window × kernel
LAB_POOL_WINDOW = "lab_pool_window"  # chart: the pooling window
LAB_CONV_STEP = "lab_conv_step"  # slider: the convolution output cell (with its _previous and _next buttons)
LAB_POOL_STEP = "lab_pool_step"  # slider: the pooling output cell (with its _previous and _next buttons)


def kernel_size(preset: str) -> str:
    """Select slider: the kernel size of one preset (kernel_size=)."""
    return f"kernel_size_{preset}"


def pool_stride(pool_size: int) -> str:
    """Slider: the pool stride for one pool size, so it starts at that size (pool_stride=)."""
    return f"pool_stride_{pool_size}"


def custom_grid(rows: int, columns: int) -> str:
    """Data editor: a custom kernel's numbers, a fresh grid for each size."""
    return f"custom_grid_{rows}x{columns}"


def compare_size(kernel: str) -> str:
    """Select slider: the second kernel's size in the comparison."""
    return f"compare_size_{kernel}"


def map_chart(stage: str) -> str:
    """Chart: one stage (input, feature map, pooled) of the feature-map section."""
    return f"map_{stage}"


def compare_chart(position: int) -> str:
    """Chart: the first or second kernel's feature map in the comparison."""
    return f"compare_{position}"


def noise_lab_chart(title: str) -> str:
    """Chart: one picture of the noise lab."""
    return f"noise_lab_{title}"
