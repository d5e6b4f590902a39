/** One loaded version of an agreement: the validated document, its source, and who loaded it. */
export interface AgreementVersionTable {
  /** `<agreement id>@<version>`. */
  id: string;
  agreement_id: string;
  version: number;
  title: string;
  status: string;
  /** UTC instant; null while it depends on an anchor whose date is not yet known. */
  entry_into_force: string | null;
  /** The validated agreement as canonical JSON. */
  content: string;
  /** SHA-256 (hex) of `content`: what the transparency log records. */
  content_sha256: string;
  /** The file as loaded, for line-accurate messages and faithful export. */
  source_text: string;
  source_name: string;
  marking: string;
  owner_organisation_id: string;
  author_user_id: string | null;
  loaded_at: string;
}

/** The agreement domain's tables, merged into the one `Database` interface. */
export interface AgreementTables {
  agreement_versions: AgreementVersionTable;
}
