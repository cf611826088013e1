import {
  Kind,
  isAbstractType,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import type { QueryLimits } from '../../config';
import { operationCost, queryLimits } from '../../graphql/limits';
import { EVENT_RECORD_TYPES, type ChangeEventType } from '../../shared/outbox';

/** The operation a webhook's deliveries run: its fragments spread on the changed record. */
export const DELIVERY_OPERATION = 'WebhookDelivery';

/** The operation of a delivery: every fragment of the selection spread on the changed record. */
export function deliveryDocument(fragments: readonly FragmentDefinitionNode[] | string, selection: string): DocumentNode {
  const defined = typeof fragments === 'string' ? (parse(fragments).definitions as FragmentDefinitionNode[]) : fragments;
  const spreads = defined.map((f) => `...${f.name.value}`).join(' ');
  return parse(`subscription ${DELIVERY_OPERATION} { changes { record { __typename ${spreads} } } }\n${selection}`);
}

export type CompiledSelection = { document: DocumentNode } | { error: string };

/**
 * Builds a webhook's delivery operation from its `selection` (GraphQL fragment definitions on
 * the changed records' types, or on Node) and checks it as any operation is checked: valid
 * against the schema, within the depth, alias, directive, token and cost limits, and covering
 * the record type of every subscribed event.
 */
export function compileSelection(schema: GraphQLSchema, selection: string, events: readonly ChangeEventType[], limits: QueryLimits): CompiledSelection {
  let fragments: FragmentDefinitionNode[];
  try {
    const parsed = parse(selection, { maxTokens: limits.maxTokens, noLocation: true });
    if (!parsed.definitions.every((d) => d.kind === Kind.FRAGMENT_DEFINITION)) {
      return { error: 'selection holds fragment definitions only (`fragment Name on Type { … }`), no operation.' };
    }
    fragments = parsed.definitions as FragmentDefinitionNode[];
  } catch (error) {
    return { error: `selection is not valid GraphQL: ${(error as Error).message.split('\n')[0]}` };
  }
  if (fragments.length === 0) return { error: 'selection needs at least one fragment.' };
  const document = deliveryDocument(fragments, selection);
  const rules = queryLimits(limits, { blockFieldSuggestions: false }).validationRules;
  const errors = validate(schema, document, [...specifiedRules, ...rules]);
  if (errors.length) return { error: `selection: ${errors[0].message.replace(/ \([\w ]+\)$/, '')}` };
  if (operationCost(schema, document, {}, DELIVERY_OPERATION) > limits.maxCost) {
    return { error: 'selection is too large or too complex; request fewer fields, levels or items.' };
  }
  const possible = (type: GraphQLNamedType | undefined | null): Set<string> =>
    new Set(!type ? [] : isAbstractType(type) ? schema.getPossibleTypes(type).map((t) => t.name) : [type.name]);
  const covered = fragments.map((f) => possible(schema.getType(f.typeCondition.name.value)));
  for (const event of events) {
    const recordTypes = possible(schema.getType(EVENT_RECORD_TYPES[event]));
    if (!covered.some((types) => [...types].some((t) => recordTypes.has(t)))) {
      return { error: `selection has no fragment on ${EVENT_RECORD_TYPES[event]} (the record of ${event}), or on Node.` };
    }
  }
  return { document };
}
