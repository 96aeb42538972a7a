import { ApiError } from "camara-webrtc-runtime";
import type { DeviceLocation } from "../engine/engine.ts";
import type { LocationDetails } from "../store/index.ts";

type Coordinates = NonNullable<LocationDetails["coordinates"]>;

function isCircle(c: Coordinates): c is Coordinates & { radius: number } {
  return typeof (c as { radius?: unknown }).radius === "number";
}

/**
 * r3.1 `LocationDetails` → the engine's {@link DeviceLocation} (RFC 5491 shapes, metres and
 * degrees). The coordinates decide the shape (`CircleCoordinates` carry a `radius`,
 * `EllipsoidCoordinates` the axes); a `shape` that names the other one is refused, as the network
 * would be told a shape the numbers do not describe. Without coordinates there is no position to
 * tell: undefined (an emergency call still goes out, without location).
 */
export function toDeviceLocation(details: LocationDetails | undefined): DeviceLocation | undefined {
  const c = details?.coordinates;
  if (!details || !c) return undefined;
  const shape = isCircle(c) ? "Circle" : "Ellipsoid";
  if (details.shape !== undefined && details.shape !== shape) {
    throw ApiError.invalidArgument(
      `locationDetails.shape is ${details.shape} but its coordinates describe a${shape === "Ellipsoid" ? "n" : ""} ${shape}.`,
    );
  }
  const common = {
    ...(details.method !== undefined ? { method: details.method } : {}),
    ...(details.confidence !== undefined
      ? {
          confidence: {
            ...(details.confidence.pdf !== undefined ? { pdf: details.confidence.pdf } : {}),
            ...(details.confidence.value !== undefined ? { percent: details.confidence.value } : {}),
          },
        }
      : {}),
    ...(details.timestamp !== undefined ? { timestamp: details.timestamp } : {}),
  };
  if (isCircle(c)) {
    return { ...common, shape: "Circle", latitude: c.latitude, longitude: c.longitude, radiusM: c.radius };
  }
  const e = c as Extract<Coordinates, { semiMajorAxis: number }>;
  return {
    ...common,
    shape: "Ellipsoid",
    latitude: e.latitude,
    longitude: e.longitude,
    altitudeM: e.zAxis,
    semiMajorAxisM: e.semiMajorAxis,
    semiMinorAxisM: e.semiMinorAxis,
    verticalAxisM: e.verticalAxis,
    orientationDeg: e.orientation,
  };
}
