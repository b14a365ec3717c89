import { Text } from "@shopify/polaris";

/** A bar per minute of JOOR credits taken (oldest first): small, dependency-free, readable at a glance. */
export function CreditChart({ perMinute, label }: { perMinute: number[]; label: string }) {
  const peak = Math.max(1, ...perMinute);
  const width = 240;
  const height = 48;
  const bar = width / Math.max(1, perMinute.length);
  const total = perMinute.reduce((sum, value) => sum + value, 0);
  return (
    <figure style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" height={height} role="img" aria-label={label} preserveAspectRatio="none">
        <rect x={0} y={height - 1} width={width} height={1} fill="#d4d4d4" />
        {perMinute.map((value, index) =>
          value > 0 ? (
            <rect
              key={index}
              x={index * bar + 0.5}
              y={height - 1 - (value / peak) * (height - 2)}
              width={Math.max(1, bar - 1)}
              height={(value / peak) * (height - 2)}
              fill="#4a90e2"
            >
              <title>{`${perMinute.length - 1 - index} min ago: ${value} credits`}</title>
            </rect>
          ) : null,
        )}
      </svg>
      <Text as="p" tone="subdued" variant="bodySm">
        {total} credits in the last hour
      </Text>
    </figure>
  );
}
