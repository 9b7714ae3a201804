// The map view's colours: the RGBA pixels of a map's values, exactly as ui.pictures.MapPicture.pixels makes them
// in Python (its tests compare the two on the same values). Python works in float32 where NumPy does, so this
// rounds to float32 (Math.fround) at the same steps, and rounds halves to even as np.rint does.
"use strict";

function roundHalfEven(value) {
  const rounded = Math.round(value);
  return rounded - value === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
}

function toByte(value) {  // ui's round_to_uint8
  return Math.min(255, Math.max(0, roundHalfEven(value)));
}

// np.interp(position, stop positions, one channel of the stop colours), for one position.
function interpolate(position, positions, levels) {
  const last = positions.length - 1;
  if (!(position > positions[0])) return levels[0];
  if (position >= positions[last]) return levels[last];
  let segment = 0;
  while (positions[segment + 1] <= position) segment += 1;
  if (positions[segment] === position) return levels[segment];
  const slope = (levels[segment + 1] - levels[segment]) / (positions[segment + 1] - positions[segment]);
  return slope * (position - positions[segment]) + levels[segment];
}

// ui.figures.colour_pixels (grey_levels is its grey case): `scale` is {stops: [[position, "#rrggbb"]], low, high}.
function colourOneChannel(values, scale, rgba) {
  const positions = scale.stops.map(([position]) => position);
  const channels = [1, 3, 5].map((at) => scale.stops.map(([, colour]) => parseInt(colour.slice(at, at + 2), 16)));
  const low = Math.fround(scale.low), span = Math.fround(Math.max(scale.high - scale.low, 1e-12));
  for (let index = 0; index < values.length; index += 1) {
    let position = Math.fround(Math.fround(values[index] - low) / span);
    if (Number.isNaN(position)) position = 0;
    for (let channel = 0; channel < 3; channel += 1) {
      rgba[4 * index + channel] = toByte(interpolate(position, positions, channels[channel]));
    }
    rgba[4 * index + 3] = 255;
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
    for (let channel = 0; channel < 3; channel += 1) rgba[4 * pixel + channel] = toByte(scaled(values[3 * pixel + channel]));
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
