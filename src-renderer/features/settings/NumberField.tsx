/** A labelled whole-number input with an optional unit, hint and error. */
export function NumberField({
  id,
  label,
  unit,
  value,
  error,
  onChange,
  hint,
}: {
  id: string;
  label: string;
  unit?: string;
  value: string;
  error?: string;
  hint?: string;
  onChange(v: string): void;
}) {
  return (
    <div className="field field-number">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <div className="field-row">
        <input
          id={id}
          className="input num-input"
          inputMode="numeric"
          value={value}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
        {unit && <span className="unit">{unit}</span>}
      </div>
      {error ? (
        <div id={`${id}-error`} className="form-error">
          {error}
        </div>
      ) : (
        hint && <div className="hint">{hint}</div>
      )}
    </div>
  );
}
