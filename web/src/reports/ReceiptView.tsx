import type { WriteReceipt } from '../api/reports.js';
import { Link } from '../app/router.js';
import { t } from '../i18n/index.js';
import { DownloadText } from '../components/DownloadText.js';

/** The log receipt(s) of a write: where it sits in the log and the proof to keep. */
export function ReceiptView({ receipt }: { receipt: WriteReceipt }) {
  if (receipt.indices.length === 0) {
    return <p className="muted">{t('receipt.none')}</p>;
  }
  return (
    <section className="receipt" data-testid="receipt" aria-labelledby="receipt-heading">
      <h2 id="receipt-heading">{t('receipt.title')}</h2>
      <p>{t('receipt.lede')}</p>
      <ul>
        {receipt.indices.map((index, i) => (
          <li key={index}>
            <p>
              {t('receipt.entry')}{' '}
              <Link to={`/transparency-log?entry=${index}`} data-testid="receipt-index">
                #{index}
              </Link>
            </p>
            {receipt.receipts[i] !== undefined && (
              <>
                <pre className="mono receipt-text" tabIndex={0} aria-label={t('receipt.text', { index })}>
                  {receipt.receipts[i]}
                </pre>
                <DownloadText
                  text={receipt.receipts[i]}
                  filename={`truceline-receipt-${index}.tlog-proof`}
                  label={t('receipt.download')}
                />
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
