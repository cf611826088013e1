import { startStandaloneServer } from '@apollo/server/standalone';
import type { DataSource } from 'typeorm';
import type { TokenVerifier } from '../access/token';
import { buildContext } from './context';
import { createApolloServer } from './server';

export interface HttpServer {
  url: string;
  /** Stops accepting, lets in-flight requests finish, then resolves. */
  stop(): Promise<void>;
}

/** Serves the API over HTTP at `/graphql` (the standalone server answers on any path). */
export async function startHttpServer(options: {
  db: DataSource;
  verifyToken: TokenVerifier;
  port: number;
  host: string;
  introspection: boolean;
}): Promise<HttpServer> {
  const server = await createApolloServer({ introspection: options.introspection });
  const { url } = await startStandaloneServer(server, {
    listen: { port: options.port, host: options.host },
    context: async ({ req }) => {
      const requestId = req.headers['x-request-id'];
      return buildContext(
        { db: options.db, verifyToken: options.verifyToken },
        req.headers.authorization,
        typeof requestId === 'string' && requestId.length <= 100 ? requestId : undefined,
      );
    },
  });
  return { url: `http://localhost:${new URL(url).port}/graphql`, stop: () => server.stop() };
}
