import { trace, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { defaultFieldResolver, type GraphQLSchema } from 'graphql';

/**
 * OpenTelemetry tracing (issue 12), off unless OTEL_EXPORTER_OTLP_ENDPOINT (or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; then spans go to that collector over OTLP/HTTP, and
 * the SDK's standard OTEL_* variables apply (service name, sampler, batch delay). Spans: one per
 * GraphQL request (request id, operation name, status), one per root field (the resolvers that
 * reach the database; a field below the root reads through loaders, whose statements are spans
 * of their own), and one per SQL statement (pg instrumentation: the statement's text with its
 * placeholders, never its parameters). No argument value, variable or record field is ever an
 * attribute. This module starts the SDK when it is imported, so main.ts imports it first: the pg
 * instrumentation has to see `pg` loaded.
 */
export const tracingEnabled = Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);

let sdk: NodeSDK | undefined;
if (tracingEnabled) {
  sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME ?? 'alliance-graph',
    traceExporter: new OTLPTraceExporter(),
    // Statements outside a request (migrations, audit maintenance) make no trace of their own.
    instrumentations: [new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false })],
  });
  sdk.start();
}

const tracer = trace.getTracer('alliance-graph');

/** Exports the spans still buffered and stops the SDK (at shutdown). */
export async function stopTracing(): Promise<void> {
  await sdk?.shutdown();
}

/** Runs `next` (the rest of the request's handling) inside a span for the request; ended when the response is sent. */
export function traceRequest(name: string, requestId: string, onFinish: (end: (status: number) => void) => void, next: () => void): void {
  tracer.startActiveSpan(name, { attributes: { 'alliance.request_id': requestId } }, (span: Span) => {
    onFinish((status) => {
      span.setAttribute('http.response.status_code', status);
      span.end();
    });
    next();
  });
}

/** Names the active request span's operation (the name only: never the document or its variables). */
export function traceOperation(operationName: string | null | undefined, role: string | undefined): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  span.setAttribute('graphql.operation.name', operationName ?? '(anonymous)');
  if (role) span.setAttribute('alliance.role', role);
}

/** Wraps every root field's resolver in a span `Query.<field>` / `Mutation.<field>` (only when tracing is on). */
export function traceRootFields(schema: GraphQLSchema): GraphQLSchema {
  if (!tracingEnabled) return schema;
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      const resolve = field.resolve ?? defaultFieldResolver;
      const name = `${root.name}.${field.name}`;
      field.resolve = (source, args, ctx, info) =>
        tracer.startActiveSpan(name, (span) => {
          const done = (): void => span.end();
          try {
            const result: unknown = resolve(source, args, ctx, info);
            if (result instanceof Promise) return result.finally(done);
            done();
            return result;
          } catch (error) {
            done();
            throw error;
          }
        });
    }
  }
  return schema;
}

