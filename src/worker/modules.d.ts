// Files the Workers build bundles as text (wrangler.toml [[rules]] type "Text").
declare module '*.md' {
  const text: string;
  export default text;
}
declare module '*.txt' {
  const text: string;
  export default text;
}
