"""How CNNs see: the entry point and home page. Run with `streamlit run app.py`.

`streamlit run` first imports this file as a module to find ``app``, the server with its start-up hook
(:mod:`ui.server_start`); then it runs the file as the script of every visitor's page, as ``__main__``.
"""

import streamlit as st

from cnn_core import conv_block, images, tensorflow_logs
from ui import image_picker, server_start, streamlit_adjustments
from ui.map_view import map_view

PLAYGROUND = st.Page("pages/filter_playground.py", title="Filter Playground", icon=":material/blur_on:",
                     url_path="filter_playground")
TRAINER = st.Page("pages/trainer.py", title="Trainer", icon=":material/model_training:", url_path="trainer")
INSIDE = st.Page("pages/inside_cnn.py", title="Inside a CNN", icon=":material/account_tree:", url_path="inside_cnn")
OWN_CLASSES = st.Page("pages/own_classes.py", title="Your own classes", icon=":material/category:",
                      url_path="own_classes")
CLASSIFIER = st.Page("pages/vgg16_classifier.py", title="VGG16 classifier", icon=":material/image_search:",
                     url_path="vgg16_classifier")


@st.cache_data(show_spinner=False)
def demo_stages() -> list[tuple[str, object]]:
    """The cat photo through one convolutional block: edges, ReLU, 2x2 max pooling."""
    photo = images.to_grayscale(images.load_image(image_picker.SAMPLES_DIR / "cat.jpg"))
    block = conv_block.run_layer(photo, conv_block.filter_for("sobel_x"), relu=True, pool_mode="max", pool_size=2)
    return [("1. The input: brightness values", photo),
            ("2. Convolution with a vertical-edge kernel, then ReLU", block.feature_map),
            ("3. 2×2 max pooling: half the size, the strong edges kept", block.pooled)]


def home() -> None:
    st.title("How CNNs see")
    st.markdown(
        "A **convolutional neural network** (CNN) looks at a picture in two parts:\n\n"
        "1. **The convolutional part extracts features.** Small grids of numbers, the *kernels*, slide over "
        "the image; at each stop they compute a weighted sum of the pixels under them. The result, a "
        "*feature map*, lights up wherever the image matches the kernel's pattern: an edge, a texture, a "
        "blob. *Pooling* then shrinks each map, keeping the strongest responses. Layer after layer, simple "
        "edges combine into parts and shapes.\n"
        "2. **The classification part decides.** The final feature maps are flattened into one long list of "
        "numbers, and dense layers turn it into a probability for every class: *cat 92 %, dog 5 %, …*\n\n"
        "A trained CNN *learns* its kernels from examples. Before CNNs, people designed kernels by hand for "
        "blurring and edge detection; the same arithmetic is at work in both."
    )
    st.subheader("One convolutional block, step by step")
    for column, (title, stage) in zip(st.columns(3), demo_stages()):
        with column:
            height, width = stage.shape
            st.markdown(f"**{title}**  \n{height} × {width}")
            map_view(stage, f"home_{title[:2]}", height=260)
    st.subheader("Try it yourself")
    st.page_link(PLAYGROUND, label="Filter Playground: the convolutional part", icon=":material/blur_on:")
    st.markdown("Apply blur, edge and custom kernels to a photo; change the stride, padding and pooling and see "
                "the shapes follow the formula; step through the sliding-window dot product cell by cell.")
    st.page_link(TRAINER, label="Trainer: teach a CNN yourself", icon=":material/model_training:")
    st.markdown("Train a small CNN on pictures of clothes or digits, watch its loss fall live, then look inside: "
                "which images it confuses, the kernels it learned, its feature maps and Grad-CAM.")
    st.page_link(INSIDE, label="Inside a CNN: one picture from pixels to probabilities", icon=":material/account_tree:")
    st.markdown("Follow one picture through a trained network, layer by layer, and click any number to see how it "
                "was computed: the window, the kernel, the sums. Trained models come with the app, so nothing "
                "needs training first; draw a digit with your finger to see it recognised.")
    st.page_link(CLASSIFIER, label="VGG16 classifier: both parts at work", icon=":material/image_search:")
    st.markdown("A CNN trained on a million photos names what is in yours, with its five best guesses, and "
                "shows which parts of the photo its answer came from.")
    st.page_link(OWN_CLASSES, label="Your own classes: teach VGG16 something new", icon=":material/category:")
    st.markdown("Make two to ten classes from your own photos or camera, train a new head on VGG16's features in "
                "seconds, try it on new photos, see where it looks, and download the model.")


HOME = st.Page(home, title="Home", icon=":material/home:", default=True)

if __name__ == "__main__":
    tensorflow_logs.quiet_tensorflow_logs()  # before any page imports TensorFlow
    st.set_page_config(page_title="How CNNs see", page_icon=":material/visibility:", layout="wide")
    streamlit_adjustments.keep_keras_state_between_runs()
    st.navigation([HOME, PLAYGROUND, TRAINER, INSIDE, CLASSIFIER, OWN_CLASSES]).run()
else:
    app = st.App(__file__, lifespan=server_start.lifespan)
