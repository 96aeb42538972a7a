import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError } from "camara-webrtc-runtime";
import type { DeviceLocation } from "../engine/engine.ts";
import type { LocationDetails } from "../store/index.ts";
import { toDeviceLocation } from "./device-location.ts";

describe("toDeviceLocation", () => {
  const table: [string, { given: LocationDetails | undefined; want: DeviceLocation | undefined }][] = [
    ["carries no location when none is given", { given: undefined, want: undefined }],
    ["carries no location without coordinates", { given: { method: "GPS" }, want: undefined }],
    [
      "maps a circle with its radius in metres, method, confidence and timestamp",
      {
        given: {
          shape: "Circle",
          coordinates: { latitude: 40.7128, longitude: -74.006, radius: 50 },
          method: "GPS",
          confidence: { pdf: "normal", value: 88 },
          timestamp: "2025-10-06T19:32:10Z",
        },
        want: {
          shape: "Circle",
          latitude: 40.7128,
          longitude: -74.006,
          radiusM: 50,
          method: "GPS",
          confidence: { pdf: "normal", percent: 88 },
          timestamp: "2025-10-06T19:32:10Z",
        },
      },
    ],
    [
      "maps an ellipsoid with its altitude, axes and orientation",
      {
        given: {
          shape: "Ellipsoid",
          coordinates: {
            latitude: 48.85,
            longitude: 2.35,
            zAxis: 35,
            semiMajorAxis: 120,
            semiMinorAxis: 60,
            verticalAxis: 20,
            orientation: 45,
          },
        },
        want: {
          shape: "Ellipsoid",
          latitude: 48.85,
          longitude: 2.35,
          altitudeM: 35,
          semiMajorAxisM: 120,
          semiMinorAxisM: 60,
          verticalAxisM: 20,
          orientationDeg: 45,
        },
      },
    ],
    [
      "takes the shape from the coordinates when shape is absent",
      {
        given: { coordinates: { latitude: 1, longitude: 2, radius: 3 } },
        want: { shape: "Circle", latitude: 1, longitude: 2, radiusM: 3 },
      },
    ],
  ];
  for (const [name, { given, want }] of table) {
    it(name, () => assert.deepEqual(toDeviceLocation(given), want));
  }

  it("refuses a shape its coordinates contradict with 400 INVALID_ARGUMENT", () => {
    assert.throws(
      () => toDeviceLocation({ shape: "Ellipsoid", coordinates: { latitude: 1, longitude: 2, radius: 3 } }),
      (e: unknown) =>
        e instanceof ApiError &&
        e.code === "INVALID_ARGUMENT" &&
        e.message === "locationDetails.shape is Ellipsoid but its coordinates describe a Circle.",
    );
  });
});
