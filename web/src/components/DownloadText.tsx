import { useEffect, useMemo } from 'react';

/** A link that saves `text` as a file, made in the browser (nothing is fetched again). */
export function DownloadText({ text, filename, label }: { text: string; filename: string; label: string }) {
  const url = useMemo(() => URL.createObjectURL(new Blob([text], { type: 'text/plain' })), [text]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return (
    <a className="button button-small" href={url} download={filename}>
      {label}
    </a>
  );
}
