// The map view's colours: the RGBA pixels of a map's values, exactly as ui.pictures.MapPicture.pixels makes them
// in Python (its tests compare the two on the same values). Python works in float32 where NumPy does, so this
// rounds to float32 (Math.fround) at the same steps, and rounds halves to even as np.rint does.
"use strict";

// Writing a number into a Uint8ClampedArray clips it to [0, 255] and rounds halves to even, as ui's round_to_uint8
// (np.rint, then clip) does: the ImageData's bytes take each level as it is computed.

// ui.figures.colour_pixels (grey_levels is its grey case): `scale` is {stops: [[position, "#rrggbb"]], low, high}.
// For each value, np.interp of its position between the stops, channel by channel, with NumPy's formula.
function colourOneChannel(values, scale, rgba) {
  const positions = scale.stops.map(([position]) => position), last = positions.length - 1;
  const levels = scale.stops.map(([, colour]) => [1, 3, 5].map((at) => parseInt(colour.slice(at, at + 2), 16)));
  const slopes = positions.slice(0, last).map((start, segment) => levels[segment].map(
    (level, channel) => (levels[segment + 1][channel] - level) / (positions[segment + 1] - start)));
  slopes.push([0, 0, 0]);  // from the last stop on, its colour
  const low = Math.fround(scale.low), span = Math.fround(Math.max(scale.high - scale.low, 1e-12));
  for (let index = 0, at = 0; index < values.length; index += 1, at += 4) {
    const position = Math.fround(Math.fround(values[index] - low) / span);
    let segment = 0, offset = 0;  // up to the first stop, and NaN: the first colour
    if (position >= positions[last]) segment = last;
    else if (position > positions[0]) {
      while (positions[segment + 1] <= position) segment += 1;
      offset = position - positions[segment];  // 0 on a stop, which then gives its colour exactly
    }
    const level = levels[segment], slope = slopes[segment];
    rgba[at] = slope[0] * offset + level[0];
    rgba[at + 1] = slope[1] * offset + level[1];
    rgba[at + 2] = slope[2] * offset + level[2];
    rgba[at + 3] = 255;
  }
}

// cnn_core.images.to_display of a three-channel map: a uint8 photo stays as it is.
function colourThreeChannels(values, rgba) {
  if (values instanceof Uint8Array) {  // a photo: its own pixels
    for (let pixel = 0; pixel < values.length / 3; pixel += 1) {
      rgba[4 * pixel] = values[3 * pixel];
      rgba[4 * pixel + 1] = values[3 * pixel + 1];
      rgba[4 * pixel + 2] = values[3 * pixel + 2];
      rgba[4 * pixel + 3] = 255;
    }
    return;
  }
  let largest = 0, smallest = 0;
  for (const value of values) {
    largest = Math.max(largest, Math.abs(value));
    smallest = Math.min(smallest, value);
  }
  const signed = smallest < 0, factor = Math.fround((signed ? 127 : 255) / largest);
  const scaled = (value) => signed ? Math.fround(128 + Math.fround(value * factor))
    : largest > 255 ? Math.fround(value * factor) : value;
  for (let pixel = 0; pixel < values.length / 3; pixel += 1) {
    for (let channel = 0; channel < 3; channel += 1) rgba[4 * pixel + channel] = scaled(values[3 * pixel + channel]);
    rgba[4 * pixel + 3] = 255;
  }
}

// The RGBA bytes of an ImageData for `values` (a typed array of rows × columns or rows × columns × 3 cells).
function mapPixels(values, shape, scale) {
  const rgba = new Uint8ClampedArray(4 * shape[0] * shape[1]);
  if (shape.length === 3) colourThreeChannels(values, rgba);
  else colourOneChannel(values, scale, rgba);
  return rgba;
}
