import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { XMLParser } from "fast-xml-parser";
import type { DeviceLocation } from "../../engine.ts";
import { EngineError } from "../../engine-error.ts";
import { pidfLo } from "./pidf-lo.ts";

const NOW = new Date("2026-12-05T10:00:00.000Z");
const ENTITY = "pres:+34600000001@lab.test";
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", parseTagValue: false });

/** The document parsed back: presence, its geopriv and its location-info. */
function parsed(location: DeviceLocation) {
  const xml = pidfLo(location, { entity: ENTITY, now: NOW });
  // biome-ignore lint/suspicious/noExplicitAny: a parsed document has no static shape; the assertions check it
  const doc = parser.parse(xml) as Record<string, any>;
  const presence = doc.presence;
  const device = presence["dm:device"];
  const geopriv = device["gp:geopriv"];
  return { xml, presence, device, geopriv, info: geopriv["gp:location-info"] };
}

describe("pidfLo (RFC 4119, RFC 5491 shapes)", () => {
  it("writes a PIDF presence document with the RFC 4119/5491/7459 namespaces and the entity", () => {
    const { presence, xml } = parsed({ shape: "Circle", latitude: 1, longitude: 2, radiusM: 3 });
    assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>/);
    assert.equal(presence["@xmlns"], "urn:ietf:params:xml:ns:pidf");
    assert.equal(presence["@xmlns:gp"], "urn:ietf:params:xml:ns:pidf:geopriv10");
    assert.equal(presence["@xmlns:gml"], "http://www.opengis.net/gml");
    assert.equal(presence["@xmlns:gs"], "http://www.opengis.net/pidflo/1.0");
    assert.equal(presence["@xmlns:dm"], "urn:ietf:params:xml:ns:pidf:data-model");
    assert.equal(presence["@xmlns:con"], "urn:ietf:params:xml:ns:geopriv:conf");
    assert.equal(presence["@entity"], ENTITY);
  });

  const circles: Array<[string, { given: DeviceLocation; pos: string; radius: string }]> = [
    [
      "a circle in Madrid",
      {
        given: { shape: "Circle", latitude: 40.4165, longitude: -3.70256, radiusM: 850.24 },
        pos: "40.4165 -3.70256",
        radius: "850.24",
      },
    ],
    [
      "coordinates binary floating point cannot hold exactly",
      {
        given: { shape: "Circle", latitude: 40.4, longitude: 0.1 + 0.2, radiusM: 0.5 },
        pos: "40.4 0.30000000000000004",
        radius: "0.5",
      },
    ],
    [
      "a tiny latitude and a zero radius",
      {
        given: { shape: "Circle", latitude: 1e-7, longitude: -180, radiusM: 0 },
        pos: "0.0000001 -180",
        radius: "0",
      },
    ],
  ];
  for (const [name, { given, pos, radius }] of circles)
    it(`writes ${name} as gs:Circle (EPSG 4326) with gml:pos "${pos}" and radius ${radius} m (EPSG 9001)`, () => {
      const circle = parsed(given).info["gs:Circle"];
      assert.equal(circle["@srsName"], "urn:ogc:def:crs:EPSG::4326");
      assert.equal(circle["gml:pos"], pos);
      assert.equal(circle["gs:radius"]["#text"], radius);
      assert.equal(circle["gs:radius"]["@uom"], "urn:ogc:def:uom:EPSG::9001");
    });

  it("writes an ellipsoid with an altitude as gs:Ellipsoid (EPSG 4979): three-dimensional position, axes in metres, orientation in degrees", () => {
    const given: DeviceLocation = {
      shape: "Ellipsoid",
      latitude: 42.5463,
      longitude: -73.2512,
      altitudeM: 26.3,
      semiMajorAxisM: 7.7156,
      semiMinorAxisM: 3.31,
      verticalAxisM: 28.7,
      orientationDeg: 90,
    };
    const ellipsoid = parsed(given).info["gs:Ellipsoid"];
    assert.equal(ellipsoid["@srsName"], "urn:ogc:def:crs:EPSG::4979");
    assert.equal(ellipsoid["gml:pos"], "42.5463 -73.2512 26.3");
    for (const [element, value, uom] of [
      ["gs:semiMajorAxis", "7.7156", "9001"],
      ["gs:semiMinorAxis", "3.31", "9001"],
      ["gs:verticalAxis", "28.7", "9001"],
      ["gs:orientation", "90", "9102"],
    ] as const) {
      assert.equal(ellipsoid[element]["#text"], value, element);
      assert.equal(ellipsoid[element]["@uom"], `urn:ogc:def:uom:EPSG::${uom}`, element);
    }
  });

  it("writes an ellipsoid without an altitude as the two-dimensional gs:Ellipse (EPSG 4326), without vertical axis", () => {
    const { info } = parsed({
      shape: "Ellipsoid",
      latitude: 42.5,
      longitude: -73.25,
      altitudeM: undefined,
      semiMajorAxisM: 10,
      semiMinorAxisM: 5,
      verticalAxisM: 3,
      orientationDeg: 45.5,
    });
    assert.equal(info["gs:Ellipsoid"], undefined);
    const ellipse = info["gs:Ellipse"];
    assert.equal(ellipse["@srsName"], "urn:ogc:def:crs:EPSG::4326");
    assert.equal(ellipse["gml:pos"], "42.5 -73.25");
    assert.equal(ellipse["gs:semiMajorAxis"]["#text"], "10");
    assert.equal(ellipse["gs:semiMinorAxis"]["#text"], "5");
    assert.equal(ellipse["gs:orientation"]["#text"], "45.5");
    assert.equal(ellipse["gs:verticalAxis"], undefined);
  });

  it("writes method, confidence (RFC 7459) and the given timestamp", () => {
    const { geopriv, info, device } = parsed({
      shape: "Circle",
      latitude: 1,
      longitude: 2,
      radiusM: 3,
      method: "GPS",
      confidence: { pdf: "normal", percent: 95 },
      timestamp: "2026-12-05T09:59:30Z",
    });
    assert.equal(geopriv["gp:method"], "GPS");
    assert.equal(info["con:confidence"]["#text"], "95");
    assert.equal(info["con:confidence"]["@pdf"], "normal");
    assert.equal(device["dm:timestamp"], "2026-12-05T09:59:30Z");
    assert.equal(geopriv["gp:usage-rules"], "");
  });

  it("writes a uniform confidence as RFC 7459's rectangular pdf, and no confidence or method when not given", () => {
    const uniform = parsed({
      shape: "Circle",
      latitude: 1,
      longitude: 2,
      radiusM: 3,
      confidence: { pdf: "uniform", percent: 68 },
    });
    assert.equal(uniform.info["con:confidence"]["@pdf"], "rectangular");
    const bare = parsed({ shape: "Circle", latitude: 1, longitude: 2, radiusM: 3 });
    assert.equal(bare.info["con:confidence"], undefined);
    assert.equal(bare.geopriv["gp:method"], undefined);
  });

  it("stamps the document with the time of the call when the location has no timestamp", () => {
    assert.equal(
      parsed({ shape: "Circle", latitude: 1, longitude: 2, radiusM: 3 }).device["dm:timestamp"],
      NOW.toISOString(),
    );
  });

  it("escapes markup in the entity and the method", () => {
    const xml = pidfLo(
      { shape: "Circle", latitude: 1, longitude: 2, radiusM: 3, method: "Other" },
      { entity: 'pres:a<b>&"c"@x', now: NOW },
    );
    assert.equal(
      (parser.parse(xml) as { presence: Record<string, string> }).presence["@entity"],
      'pres:a<b>&"c"@x',
    );
  });

  const impossible: Array<[string, DeviceLocation, RegExp]> = [
    [
      "a latitude beyond 90°",
      { shape: "Circle", latitude: 90.5, longitude: 0, radiusM: 1 },
      /latitude must be between -90 and 90/,
    ],
    [
      "a longitude beyond -180°",
      { shape: "Circle", latitude: 0, longitude: -181, radiusM: 1 },
      /longitude must be between -180 and 180/,
    ],
    [
      "a negative radius",
      { shape: "Circle", latitude: 0, longitude: 0, radiusM: -1 },
      /radius must be between/,
    ],
    [
      "a NaN radius",
      { shape: "Circle", latitude: 0, longitude: 0, radiusM: Number.NaN },
      /radius must be a finite number/,
    ],
    [
      "an infinite altitude",
      {
        shape: "Ellipsoid",
        latitude: 0,
        longitude: 0,
        altitudeM: Number.POSITIVE_INFINITY,
        semiMajorAxisM: 1,
        semiMinorAxisM: 1,
        verticalAxisM: 1,
        orientationDeg: 0,
      },
      /zAxis must be a finite number/,
    ],
    [
      "a confidence above 100",
      { shape: "Circle", latitude: 0, longitude: 0, radiusM: 1, confidence: { percent: 101 } },
      /confidence must be between 0 and 100/,
    ],
    [
      "a timestamp that is no date",
      { shape: "Circle", latitude: 0, longitude: 0, radiusM: 1, timestamp: "yesterday" },
      /timestamp must be/,
    ],
  ];
  for (const [name, given, message] of impossible)
    it(`refuses ${name} with EngineError invalid_location and a message for the client`, () => {
      assert.throws(
        () => pidfLo(given, { entity: ENTITY, now: NOW }),
        (e: unknown) =>
          e instanceof EngineError && e.failure === "invalid_location" && message.test(e.clientMessage ?? ""),
      );
    });
});
