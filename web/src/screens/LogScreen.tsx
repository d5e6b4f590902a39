import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.js';
import { getCheckpointNote, getCheckpoints, getLogEntry, getReceipt, getWitnesses } from '../api/log.js';
import type { LogEntry } from '../api/types.js';
import { useRouter } from '../app/router.js';
import { DownloadText } from '../components/DownloadText.js';
import { Problem } from '../components/Problem.js';
import { formatDateTime, formatNumber, t } from '../i18n/index.js';
import { useAsync } from '../lib/useAsync.js';
import { parseCheckpoint, parseReceipt, type ParsedReceipt } from '../log/formats.js';
import { LogExplainer } from '../log/LogExplainer.js';
import { SizeChart } from '../log/SizeChart.js';
import { verifyReceipt } from '../log/verify.js';

/** The transparency log: the current signed checkpoint and who cosigned it, growth, and look-ups. */
export default function LogScreen() {
  const checkpoint = useAsync(async () => {
    try {
      return parseCheckpoint(await getCheckpointNote());
    } catch (err) {
      if (err instanceof ApiError && err.notFound) return null;
      throw err;
    }
  }, []);
  const witnesses = useAsync(getWitnesses, []);
  const history = useAsync(() => getCheckpoints(200), []);

  return (
    <section className="page log">
      <h1>{t('log.title')}</h1>
      <p className="lede">{t('log.lede')}</p>

      <section aria-labelledby="checkpoint-heading" className="card" data-testid="checkpoint">
        <h2 id="checkpoint-heading">{t('log.checkpoint')}</h2>
        {checkpoint.status === 'loading' && <p role="status">{t('common.loading')}</p>}
        {checkpoint.status === 'failed' && <Problem error={checkpoint.error} />}
        {checkpoint.status === 'done' && checkpoint.data === null && (
          <p className="muted">{t('log.noCheckpoint')}</p>
        )}
        {checkpoint.status === 'done' && checkpoint.data && (
          <>
            <dl className="facts">
              <dt>{t('log.origin')}</dt>
              <dd className="mono">{checkpoint.data.origin}</dd>
              <dt>{t('log.size')}</dt>
              <dd data-testid="checkpoint-size">{formatNumber(checkpoint.data.size)}</dd>
              <dt>{t('log.rootHash')}</dt>
              <dd className="mono hash">{checkpoint.data.rootHash}</dd>
            </dl>
            <h3>{t('log.signatures')}</h3>
            <ul className="signers" data-testid="cosigners">
              {checkpoint.data.signatures.map((s) => (
                <li key={`${s.name}-${s.keyId}`}>
                  <span className="status status-done">✓ {t('log.signed')}</span>{' '}
                  <span className="mono">{s.name}</span>{' '}
                  <span className="muted">
                    {s.name === checkpoint.data!.origin ? t('log.logKey') : t('log.witness')} ·{' '}
                    {t('log.keyId')} {s.keyId}
                  </span>
                </li>
              ))}
              {(witnesses.data ?? [])
                .filter((w) => !checkpoint.data!.signatures.some((s) => s.name === w.name))
                .map((w) => (
                  <li key={w.name}>
                    <span className="status status-pending">… {t('log.notYet')}</span>{' '}
                    <span className="mono">{w.name}</span> <span className="muted">{t('log.witness')}</span>
                  </li>
                ))}
            </ul>
            {witnesses.status === 'done' && witnesses.data.length === 0 && (
              <p className="muted">{t('log.noWitnesses')}</p>
            )}
            <details>
              <summary>{t('log.rawCheckpoint')}</summary>
              <pre className="mono receipt-text">{checkpoint.data.note}</pre>
            </details>
          </>
        )}
      </section>

      <section aria-labelledby="history-heading">
        <h2 id="history-heading">{t('log.history')}</h2>
        {history.status === 'failed' && <Problem error={history.error} />}
        {history.status === 'done' && <SizeChart checkpoints={history.data} />}
      </section>

      <LogExplainer witnesses={witnesses.data} />
      <EntryLookup />
      <ReceiptCheck />
    </section>
  );
}

function EntryLookup() {
  const id = useId();
  const { query } = useRouter();
  const fromAddress = query.get('entry') ?? '';
  const [index, setIndex] = useState(fromAddress);
  const [entry, setEntry] = useState<LogEntry | null>(null);
  const [receipt, setReceipt] = useState<{ text: string; verified: boolean | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [inputError, setInputError] = useState<string | null>(null);

  const lookUp = useCallback(async (value: string) => {
    setEntry(null);
    setReceipt(null);
    setError(null);
    setInputError(null);
    if (!/^\d+$/.test(value.trim())) {
      setInputError(t('log.indexInvalid'));
      return;
    }
    try {
      setEntry(await getLogEntry(Number(value)));
    } catch (err) {
      setError(err);
    }
  }, []);

  // The entry named in the address is looked up by itself: on arrival, and again when the address
  // names another (back and forward), so what is shown always matches the address.
  useEffect(() => {
    if (!fromAddress) return;
    setIndex(fromAddress);
    void lookUp(fromAddress);
  }, [fromAddress, lookUp]);

  const fetchReceipt = async () => {
    if (!entry) return;
    try {
      const text = await getReceipt(entry.index);
      setReceipt({ text, verified: null });
      const parsed = parseReceipt(text);
      const ok = await verifyReceipt(parsed, entry.leafHash);
      setReceipt({ text, verified: ok });
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="lookup-heading" className="card">
      <h2 id="lookup-heading">{t('log.lookup')}</h2>
      <form
        className="inline-form"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void lookUp(index);
        }}
      >
        <div className={`field${inputError ? ' field-invalid' : ''}`}>
          <label htmlFor={`${id}-index`}>{t('log.entryIndex')}</label>
          {inputError && (
            <p className="field-error" id={`${id}-error`}>
              {inputError}
            </p>
          )}
          <input
            id={`${id}-index`}
            inputMode="numeric"
            value={index}
            onChange={(e) => setIndex(e.target.value)}
            aria-invalid={inputError ? true : undefined}
            aria-describedby={inputError ? `${id}-error` : undefined}
          />
        </div>
        <button type="submit" className="button button-primary">
          {t('log.lookupAction')}
        </button>
      </form>
      {error !== null && <Problem error={error} />}
      {entry && (
        <div className="entry" data-testid="log-entry">
          <dl className="facts">
            <dt>{t('log.entryIndex')}</dt>
            <dd>{entry.index}</dd>
            <dt>{t('log.kind')}</dt>
            <dd className="mono">{entry.kind}</dd>
            <dt>{t('log.integratedAt')}</dt>
            <dd>{formatDateTime(entry.integratedAt)}</dd>
            <dt>{t('log.leafHash')}</dt>
            <dd className="mono hash">{entry.leafHash}</dd>
            <dt>{t('log.proof')}</dt>
            <dd>
              {t('log.proofDetail', { count: entry.inclusion.proof.length, size: entry.inclusion.treeSize })}
            </dd>
          </dl>
          <details>
            <summary>{t('log.entryContent')}</summary>
            <pre className="mono receipt-text">{JSON.stringify(entry.entry, null, 2)}</pre>
          </details>
          <button type="button" className="button" onClick={() => void fetchReceipt()}>
            {t('log.getReceipt')}
          </button>
          {receipt && (
            <div className="receipt" data-testid="log-receipt">
              <VerifiedLine verified={receipt.verified} />
              <pre
                className="mono receipt-text"
                tabIndex={0}
                aria-label={t('receipt.text', { index: entry.index })}
              >
                {receipt.text}
              </pre>
              <DownloadText
                text={receipt.text}
                filename={`truceline-receipt-${entry.index}.tlog-proof`}
                label={t('receipt.download')}
              />
            </div>
          )}
        </div>
      )}
    </section>
  );
}

function VerifiedLine({ verified }: { verified: boolean | null }) {
  if (verified === null) return <p role="status">{t('log.verifying')}</p>;
  return verified ? (
    <p className="notice notice-ok" role="status" data-testid="receipt-verified">
      {t('log.inclusionOk')}
    </p>
  ) : (
    <p className="notice notice-error" role="alert" data-testid="receipt-verified">
      {t('log.inclusionBad')}
    </p>
  );
}

function ReceiptCheck() {
  const id = useId();
  const [text, setText] = useState('');
  const [result, setResult] = useState<{ receipt: ParsedReceipt; entry: LogEntry; verified: boolean } | null>(
    null,
  );
  const [error, setError] = useState<unknown>(null);

  const check = async () => {
    setResult(null);
    setError(null);
    try {
      const receipt = parseReceipt(text);
      const entry = await getLogEntry(receipt.index);
      const verified = await verifyReceipt(receipt, entry.leafHash);
      setResult({ receipt, entry, verified });
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="check-heading" className="card">
      <h2 id="check-heading">{t('log.checkReceipt')}</h2>
      <p className="hint" id={`${id}-hint`}>
        {t('log.checkReceiptHint')}
      </p>
      <div className="field">
        <label htmlFor={`${id}-text`}>{t('log.receiptText')}</label>
        <textarea
          id={`${id}-text`}
          rows={6}
          className="mono"
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-describedby={`${id}-hint`}
          spellCheck={false}
        />
      </div>
      <button
        type="button"
        className="button button-primary"
        disabled={text.trim() === ''}
        onClick={() => void check()}
      >
        {t('log.checkAction')}
      </button>
      {error !== null && <Problem error={error} title={t('log.receiptUnreadable')} />}
      {result && (
        <div data-testid="receipt-check">
          <VerifiedLine verified={result.verified} />
          <dl className="facts">
            <dt>{t('log.entryIndex')}</dt>
            <dd>{result.receipt.index}</dd>
            <dt>{t('log.kind')}</dt>
            <dd className="mono">{result.entry.kind}</dd>
            <dt>{t('log.checkpointInReceipt')}</dt>
            <dd>
              {result.receipt.checkpoint.origin} ·{' '}
              {t('log.sizeValue', { count: result.receipt.checkpoint.size })} ·{' '}
              {t('log.signatureCount', { count: result.receipt.checkpoint.signatures.length })}
            </dd>
          </dl>
        </div>
      )}
    </section>
  );
}
