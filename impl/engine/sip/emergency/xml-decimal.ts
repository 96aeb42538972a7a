/**
 * A number as an XML Schema decimal (`xs:decimal` lexical form, also valid for `xs:double`): the
 * shortest digits that read back as the same double (ECMAScript Number::toString), with an
 * exponent form such as `1e-7` or `1.5e+21` spelled out as plain digits. The value written is the
 * value given, with no rounding.
 */
export function xmlDecimal(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`${value} is not a finite number`);
  const text = String(Object.is(value, -0) ? 0 : value);
  const exp = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!exp) return text;
  const [, sign = "", lead = "", fraction = "", power = "0"] = exp;
  const digits = `${lead}${fraction}`;
  const point = 1 + Number(power); // where the decimal point goes in `digits`
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
