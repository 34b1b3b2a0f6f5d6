/**
 * The model registry: model cards (card.ts) kept as JSON text by card id,
 * checked (card-read.ts) whenever they are read. IndexedDB in the browser,
 * a Map in Node tests.
 */
import { checkModelCard, parseModelCard } from './card-read.ts';
import { serializeModelCard, type ModelCard } from './card.ts';
import { createMissingStores, idbRequest, withTransaction, type IdbSchema } from '../lib/idb.ts';

/** Where cards are kept: JSON text by card id. IndexedDB in the browser, a Map in tests. */
export interface ModelStore {
  entries(): Promise<{ id: string; text: unknown }[]>;
  put(id: string, text: string): Promise<void>;
  delete(id: string): Promise<void>;
}

export function memoryModelStore(): ModelStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    entries: async () => [...data].map(([id, text]) => ({ id, text })),
    put: async (id, text) => void data.set(id, text),
    delete: async (id) => void data.delete(id),
  };
}

export interface ListedCards<C = ModelCard> {
  /** Newest first. */
  cards: C[];
  /** Stored records that no longer read as a card, with why (they stay stored until deleted). */
  unreadable: { id: string; reason: string }[];
}

/** How a registry reads, checks and writes one kind of card (churn cards by default; value-card.ts has the value model's). */
export interface CardCodec<C extends { id: string; createdAt: string }> {
  parse(text: string): C;
  check(raw: unknown): C;
  serialize(card: C): string;
}

export const CHURN_CARDS: CardCodec<ModelCard> = { parse: parseModelCard, check: checkModelCard, serialize: serializeModelCard };

/** The registry over a store: reads check every card, writes store what the codec's `serialize` gives. */
export class ModelRegistry<C extends { id: string; createdAt: string } = ModelCard> {
  constructor(
    private readonly store: ModelStore,
    private readonly codec: CardCodec<C> = CHURN_CARDS as unknown as CardCodec<C>,
  ) {}

  async list(): Promise<ListedCards<C>> {
    const cards: C[] = [];
    const unreadable: ListedCards<C>['unreadable'] = [];
    for (const { id, text } of await this.store.entries()) {
      try {
        if (typeof text !== 'string') throw new Error('not stored as text');
        cards.push(this.codec.parse(text));
      } catch (e) {
        unreadable.push({ id, reason: e instanceof Error ? e.message : String(e) });
      }
    }
    cards.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1));
    return { cards, unreadable };
  }

  async save(card: C): Promise<void> {
    await this.store.put(card.id, this.codec.serialize(this.codec.check(JSON.parse(this.codec.serialize(card)))));
  }

  async remove(id: string): Promise<void> {
    await this.store.delete(id);
  }

  /** Check and store a card from an exported file's text; the card with the same id is replaced. */
  async importText(text: string): Promise<C> {
    const card = this.codec.parse(text);
    await this.save(card);
    return card;
  }
}

/**
 * IndexedDB database of the registry. Not the workspace's `crm-lens` database:
 * report/persist.ts opens that one at a fixed version with its own stores, and a
 * `models` store could only be added by raising that version, after which
 * persist.ts's open would fail with a VersionError.
 */
export const MODEL_DB_NAME = 'crm-lens-models';
export const MODEL_STORE_NAME = 'models';
const MODEL_DB_VERSION = 1;

/** The browser store: one object store, JSON text keyed by card id. */
export function indexedDbModelStore(dbName = MODEL_DB_NAME): ModelStore {
  const schema: IdbSchema = { name: dbName, version: MODEL_DB_VERSION, upgrade: createMissingStores(MODEL_STORE_NAME) };
  const run = <T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => Promise<T>): Promise<T> =>
    withTransaction(schema, MODEL_STORE_NAME, mode, (tx) => work(tx.objectStore(MODEL_STORE_NAME)));
  return {
    entries: () =>
      run('readonly', async (store) => {
        const [keys, values] = await Promise.all([idbRequest(store.getAllKeys()), idbRequest(store.getAll())]);
        return keys.map((k, i) => ({ id: String(k), text: values[i] as unknown }));
      }),
    put: (id, text) => run('readwrite', async (store) => void (await idbRequest(store.put(text, id)))),
    delete: (id) => run('readwrite', async (store) => void (await idbRequest(store.delete(id)))),
  };
}
