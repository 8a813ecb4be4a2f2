import { useState } from 'preact/hooks';

/** Whether a logo URL may be loaded: https (Okto's CDN) or an inline image; anything else shows the badge. */
const isLoadable = (url: string) =>
  /^https:\/\/[^\s]+$/i.test(url) || /^data:image\/(png|gif|webp|jpeg);/i.test(url);

/** A steady hue per name, so that each network's badge keeps its colour. */
function hueOf(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) % 360;
  return hash;
}

/**
 * A network's (or token's) logo: the image when Okto gives a loadable one, else (and when it fails to
 * load) a round badge with the name's first letter. Decorative: the name is always written beside it.
 */
export function NetworkLogo({ name, logo, size = 28 }: { name: string; logo: string; size?: number }) {
  const [failed, setFailed] = useState(false);
  const style = { width: `${size}px`, height: `${size}px` };
  if (!failed && isLoadable(logo))
    return (
      <img
        class="logo"
        src={logo}
        alt=""
        width={size}
        height={size}
        style={style}
        referrerpolicy="no-referrer"
        onError={() => setFailed(true)}
      />
    );
  return (
    <span
      class="logo logo-badge"
      aria-hidden="true"
      style={{
        ...style,
        fontSize: `${Math.round(size * 0.45)}px`,
        background: `hsl(${hueOf(name)} 55% 45%)`,
      }}
    >
      {(name.trim()[0] ?? '?').toUpperCase()}
    </span>
  );
}
