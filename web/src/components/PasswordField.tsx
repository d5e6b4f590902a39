/** A labelled password input, for sign-in and password change. */
export function PasswordField({
  id,
  label,
  autoComplete,
  value,
  onChange,
  minLength,
}: {
  id: string;
  label: string;
  autoComplete: 'current-password' | 'new-password';
  value: string;
  onChange: (value: string) => void;
  minLength?: number;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={id}
        type="password"
        autoComplete={autoComplete}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        {...(minLength !== undefined ? { minLength } : {})}
        required
      />
    </div>
  );
}
