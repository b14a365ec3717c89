import { TextField } from "@shopify/polaris";

/** A list's search box: the label is for screen readers, the placeholder says what it searches. */
export function SearchField({
  label,
  placeholder,
  value,
  onChange,
}: {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <TextField
      label={label}
      labelHidden
      placeholder={placeholder}
      value={value}
      onChange={onChange}
      clearButton
      onClearButtonClick={() => onChange("")}
      autoComplete="off"
    />
  );
}
