/**
 * The demo shop database of the embedded mode: customers, products, orders, order items and
 * support tickets, generated from a fixed seed so every install has the same data.
 */

const FIRST = ['Ada', 'Ben', 'Chloé', 'Daniel', 'Elif', 'Farah', 'Gustav', 'Hana', 'Ines', 'Jonas', 'Keiko', 'Liam', 'Maya', 'Noah', 'Olga', 'Pablo', 'Quinn', 'Rosa', 'Sami', 'Tomás', 'Uma', 'Viktor', 'Wen', 'Yusuf', 'Zoe'];
const LAST = ['Andersen', 'Baker', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'García', 'Horvat', 'Ivanova', 'Jansen', 'Kowalski', 'Lopez', 'Müller', 'Nakamura', 'Okafor', 'Petrov', 'Rossi', 'Schmidt', 'Tanaka', 'Virtanen'];
const COUNTRIES = ['DE', 'FR', 'ES', 'IT', 'NL', 'SE', 'PL', 'US', 'GB', 'JP'];
const PRODUCTS: Array<[string, string, number]> = [
  ['Trail Runner Shoes', 'footwear', 8900], ['City Sneakers', 'footwear', 6500], ['Waterproof Hiking Boots', 'footwear', 14900],
  ['Merino T-Shirt', 'apparel', 3900], ['Rain Jacket', 'apparel', 11900], ['Fleece Hoodie', 'apparel', 5900], ['Running Shorts', 'apparel', 2900],
  ['Daypack 22L', 'bags', 7400], ['Travel Duffel 40L', 'bags', 9900], ['Laptop Sleeve 14"', 'bags', 2400],
  ['Insulated Bottle 750ml', 'accessories', 2900], ['Headlamp 300lm', 'accessories', 3400], ['Sports Socks (3 pairs)', 'accessories', 1500],
  ['Trekking Poles', 'gear', 6900], ['Camping Stove', 'gear', 5400], ['Two-Person Tent', 'gear', 24900], ['Sleeping Bag -5°C', 'gear', 17900],
  ['Fitness Tracker', 'electronics', 12900], ['Wireless Earbuds', 'electronics', 8900], ['Solar Power Bank', 'electronics', 4900],
];
const ORDER_STATUSES = ['delivered', 'delivered', 'delivered', 'shipped', 'paid', 'pending', 'cancelled', 'refunded'];
const TICKET_SUBJECTS: Array<[string, string]> = [
  ['Where is my order?', 'The tracking page has not changed for five days. Can you check where the parcel is?'],
  ['Wrong size delivered', 'I ordered size 42 but received 44. How do I exchange them?'],
  ['Refund not received', 'I returned the item two weeks ago and have not seen the refund yet.'],
  ['Damaged on arrival', 'The box was crushed and the product is scratched. Photos attached.'],
  ['Change delivery address', 'I moved last week; please send the order to my new address.'],
  ['Discount code not working', 'The code from the newsletter says it is expired, but the email says it is valid until the end of the month.'],
  ['Invoice needed', 'Please send an invoice with my company name for accounting.'],
  ['Product question', 'Is the rain jacket suitable for heavy rain and does it pack into its own pocket?'],
  ['Cancel my order', 'I ordered by mistake, please cancel before it ships.'],
  ['Warranty claim', 'The zip broke after three months of normal use. Is this covered?'],
];

/** Mulberry32: small deterministic PRNG. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function q(value: string | number | null): string {
  if (value === null) return 'NULL';
  return typeof value === 'number' ? String(value) : `'${value.replace(/'/g, "''")}'`;
}

function day(base: Date, offsetDays: number, rnd: () => number): string {
  const d = new Date(base.getTime() + offsetDays * 86_400_000 + Math.floor(rnd() * 86_400_000));
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** The SQL script that creates and fills the demo database (SQLite). */
export function demoDatabaseScript(): string {
  const rnd = random(20240601);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const start = new Date('2025-01-01T00:00:00Z');
  const lines: string[] = [
    'PRAGMA foreign_keys = ON;',
    'BEGIN;',
    `CREATE TABLE customers (
      id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE, country TEXT NOT NULL,
      tier TEXT NOT NULL DEFAULT 'standard' CHECK (tier IN ('standard', 'plus', 'business')), created_at TEXT NOT NULL);`,
    `CREATE TABLE products (
      id INTEGER PRIMARY KEY, sku TEXT NOT NULL UNIQUE, name TEXT NOT NULL, category TEXT NOT NULL,
      price_cents INTEGER NOT NULL CHECK (price_cents > 0), stock INTEGER NOT NULL DEFAULT 0);`,
    `CREATE TABLE orders (
      id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), status TEXT NOT NULL,
      ordered_at TEXT NOT NULL, total_cents INTEGER NOT NULL);`,
    'CREATE INDEX orders_customer_id ON orders(customer_id);',
    'CREATE INDEX orders_ordered_at ON orders(ordered_at);',
    `CREATE TABLE order_items (
      order_id INTEGER NOT NULL REFERENCES orders(id), product_id INTEGER NOT NULL REFERENCES products(id),
      quantity INTEGER NOT NULL CHECK (quantity > 0), unit_price_cents INTEGER NOT NULL, PRIMARY KEY (order_id, product_id));`,
    `CREATE TABLE support_tickets (
      id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), order_id INTEGER REFERENCES orders(id),
      subject TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('open', 'pending', 'solved', 'closed')),
      priority TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')), opened_at TEXT NOT NULL, closed_at TEXT);`,
    'CREATE INDEX support_tickets_status ON support_tickets(status);',
    `CREATE VIEW customer_revenue AS
      SELECT c.id AS customer_id, c.name, c.country, count(o.id) AS orders, coalesce(sum(o.total_cents), 0) AS revenue_cents
        FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND o.status NOT IN ('cancelled', 'refunded')
       GROUP BY c.id;`,
  ];
  const customers = 60;
  for (let id = 1; id <= customers; id++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const email = `${first}.${last}.${id}@example.com`.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    lines.push(`INSERT INTO customers VALUES (${id}, ${q(`${first} ${last}`)}, ${q(email)}, ${q(pick(COUNTRIES))}, ${q(pick(['standard', 'standard', 'plus', 'business']))}, ${q(day(start, Math.floor(rnd() * 120) - 200, rnd))});`);
  }
  PRODUCTS.forEach(([name, category, price], i) => {
    lines.push(`INSERT INTO products VALUES (${i + 1}, ${q(`${category.slice(0, 3).toUpperCase()}-${String(1000 + i)}`)}, ${q(name)}, ${q(category)}, ${price}, ${Math.floor(rnd() * 200)});`);
  });
  const orders = 240;
  const orderCustomer: number[] = [];
  for (let id = 1; id <= orders; id++) {
    const customer = 1 + Math.floor(rnd() * customers);
    orderCustomer[id] = customer;
    const items = new Map<number, number>();
    const count = 1 + Math.floor(rnd() * 3);
    while (items.size < count) items.set(1 + Math.floor(rnd() * PRODUCTS.length), 1 + Math.floor(rnd() * 3));
    let total = 0;
    for (const [product, quantity] of items) total += PRODUCTS[product - 1]![2] * quantity;
    lines.push(`INSERT INTO orders VALUES (${id}, ${customer}, ${q(pick(ORDER_STATUSES))}, ${q(day(start, Math.floor((id / orders) * 300), rnd))}, ${total});`);
    for (const [product, quantity] of items) lines.push(`INSERT INTO order_items VALUES (${id}, ${product}, ${quantity}, ${PRODUCTS[product - 1]![2]});`);
  }
  for (let id = 1; id <= 80; id++) {
    const [subject, body] = pick(TICKET_SUBJECTS);
    const status = pick(['open', 'pending', 'solved', 'closed', 'closed']);
    const opened = Math.floor((id / 80) * 300);
    const order = rnd() < 0.8 ? 1 + Math.floor(rnd() * orders) : null;
    const customer = order === null ? 1 + Math.floor(rnd() * customers) : orderCustomer[order]!;
    lines.push(
      `INSERT INTO support_tickets VALUES (${id}, ${customer}, ${q(order)}, ${q(subject)}, ${q(body)}, ${q(status)}, ${q(pick(['low', 'normal', 'normal', 'high', 'urgent']))}, ${q(day(start, opened, rnd))}, ${status === 'solved' || status === 'closed' ? q(day(start, opened + 1 + Math.floor(rnd() * 10), rnd)) : 'NULL'});`,
    );
  }
  lines.push('COMMIT;');
  return lines.join('\n');
}
