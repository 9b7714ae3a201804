"""Exit 0 when the Streamlit server at CNN_PORT (8501) answers its health check with ``ok``: the image's
HEALTHCHECK, and what the deploy test asks of a server it started with start.sh."""

import os
import sys
import urllib.request

URL = f"http://127.0.0.1:{os.environ.get('CNN_PORT', '8501')}/_stcore/health"

try:
    with urllib.request.urlopen(URL, timeout=4) as response:
        sys.exit(0 if response.read() == b"ok" else 1)
except OSError as error:
    print(f"{URL}: {error}", file=sys.stderr)
    sys.exit(1)
