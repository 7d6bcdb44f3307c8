export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __spendinTestServer?: { stop: () => Promise<void> } }).__spendinTestServer;
  await server?.stop();
}
