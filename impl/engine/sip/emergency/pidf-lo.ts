import type { DeviceLocation } from "../../engine.ts";
import { EngineError } from "../../engine-error.ts";
import { xmlDecimal } from "./xml-decimal.ts";

/** RFC 5491 §5.1: "the coordinate reference system ... 4326 for two dimensions, 4979 for three". */
const EPSG_2D = "urn:ogc:def:crs:EPSG::4326";
const EPSG_3D = "urn:ogc:def:crs:EPSG::4979";
/** RFC 5491 §5.2.1: lengths in metres, "urn:ogc:def:uom:EPSG::9001"; angles in degrees, "…::9102". */
const METRES = "urn:ogc:def:uom:EPSG::9001";
const DEGREES = "urn:ogc:def:uom:EPSG::9102";

/**
 * The PIDF-LO document (RFC 4119, with the shapes and the `dm:device` element of RFC 5491) that
 * carries a device's location in an emergency INVITE (RFC 6442 §3): one `gp:geopriv` with the
 * shape, the confidence when given (RFC 7459 §5), the method and the time the location was found.
 * Numbers are written as the shortest decimal that reads back as the same double, never in
 * exponent form. `entity` is the presentity's URI (RFC 4119 §2.2.1: `pres:` scheme); `now` stands
 * for a missing timestamp. An impossible location throws `invalid_location`.
 */
export function pidfLo(location: DeviceLocation, options: { entity: string; now: Date }): string {
  checkLocation(location);
  const timestamp = location.timestamp ?? options.now.toISOString();
  const confidence = location.confidence?.percent;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<presence xmlns="urn:ietf:params:xml:ns:pidf"',
    ' xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"',
    ' xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10"',
    ' xmlns:gml="http://www.opengis.net/gml"',
    ' xmlns:gs="http://www.opengis.net/pidflo/1.0"',
    ' xmlns:con="urn:ietf:params:xml:ns:geopriv:conf"',
    ` entity="${escapeXml(options.entity)}">`,
    ' <dm:device id="device">',
    "  <gp:geopriv>",
    "   <gp:location-info>",
    ...shape(location).map((line) => `    ${line}`),
    ...(confidence !== undefined
      ? [
          `    <con:confidence pdf="${pdfOf(location.confidence?.pdf)}">${xmlDecimal(confidence)}</con:confidence>`,
        ]
      : []),
    "   </gp:location-info>",
    "   <gp:usage-rules/>",
    ...(location.method ? [`   <gp:method>${escapeXml(location.method)}</gp:method>`] : []),
    "  </gp:geopriv>",
    `  <dm:timestamp>${escapeXml(timestamp)}</dm:timestamp>`,
    " </dm:device>",
    "</presence>",
    "",
  ].join("\r\n");
}

/**
 * RFC 5491 §5.2.3 Circle and §5.2.7 Ellipsoid (three dimensions: the altitude is part of its
 * `gml:pos`). An ellipsoid without an altitude cannot be written as one; it is sent as the
 * §5.2.5 Ellipse it projects to (semi-major, semi-minor, orientation), the vertical axis dropped.
 */
function shape(l: DeviceLocation): string[] {
  const pos = `${xmlDecimal(l.latitude)} ${xmlDecimal(l.longitude)}`;
  if (l.shape === "Circle")
    return [
      `<gs:Circle srsName="${EPSG_2D}">`,
      ` <gml:pos>${pos}</gml:pos>`,
      ` <gs:radius uom="${METRES}">${xmlDecimal(l.radiusM)}</gs:radius>`,
      "</gs:Circle>",
    ];
  const axes = [
    ` <gs:semiMajorAxis uom="${METRES}">${xmlDecimal(l.semiMajorAxisM)}</gs:semiMajorAxis>`,
    ` <gs:semiMinorAxis uom="${METRES}">${xmlDecimal(l.semiMinorAxisM)}</gs:semiMinorAxis>`,
  ];
  const orientation = ` <gs:orientation uom="${DEGREES}">${xmlDecimal(l.orientationDeg)}</gs:orientation>`;
  if (l.altitudeM === undefined)
    return [
      `<gs:Ellipse srsName="${EPSG_2D}">`,
      ` <gml:pos>${pos}</gml:pos>`,
      ...axes,
      orientation,
      "</gs:Ellipse>",
    ];
  return [
    `<gs:Ellipsoid srsName="${EPSG_3D}">`,
    ` <gml:pos>${pos} ${xmlDecimal(l.altitudeM)}</gml:pos>`,
    ...axes,
    ` <gs:verticalAxis uom="${METRES}">${xmlDecimal(l.verticalAxisM)}</gs:verticalAxis>`,
    orientation,
    "</gs:Ellipsoid>",
  ];
}

/** Throws `invalid_location` unless within WGS 84 bounds, with non-negative lengths, every number finite. */
export function checkLocation(l: DeviceLocation): void {
  const problems: string[] = [];
  const finite = (name: string, value: number | undefined) => {
    if (value !== undefined && !Number.isFinite(value)) problems.push(`${name} must be a finite number`);
  };
  const within = (name: string, value: number, min: number, max: number) => {
    finite(name, value);
    if (Number.isFinite(value) && (value < min || value > max))
      problems.push(`${name} must be between ${min} and ${max}`);
  };
  within("latitude", l.latitude, -90, 90);
  within("longitude", l.longitude, -180, 180);
  if (l.shape === "Circle") within("radius", l.radiusM, 0, Number.MAX_VALUE);
  else {
    finite("zAxis", l.altitudeM);
    within("semiMajorAxis", l.semiMajorAxisM, 0, Number.MAX_VALUE);
    within("semiMinorAxis", l.semiMinorAxisM, 0, Number.MAX_VALUE);
    within("verticalAxis", l.verticalAxisM, 0, Number.MAX_VALUE);
    within("orientation", l.orientationDeg, -360, 360);
  }
  if (l.confidence?.percent !== undefined) within("confidence", l.confidence.percent, 0, 100);
  if (l.timestamp !== undefined && Number.isNaN(Date.parse(l.timestamp)))
    problems.push("timestamp must be an RFC 3339 date-time");
  if (problems.length > 0)
    throw new EngineError("invalid_location", `location refused: ${problems.join("; ")}`, {
      clientMessage: `The locationDetails cannot be sent to the network: ${problems.join("; ")}.`,
    });
}

/** RFC 7459 §5.1: pdf is "unknown", "normal" or "rectangular" (a uniform distribution). */
function pdfOf(pdf: "normal" | "uniform" | undefined): string {
  return pdf === "uniform" ? "rectangular" : pdf === "normal" ? "normal" : "unknown";
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
