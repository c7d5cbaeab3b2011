/**
 * The GraphQL schema over quotations. Fields marked "pricing-manager, admin" are what the business keeps from the
 * quotation engine and analysts: what a quotation costs us and the margin on it (field-access.ts refuses them to
 * other roles before anything runs). Lists that can grow are Relay connections with opaque cursors.
 */
export const SCHEMA = /* GraphQL */ `
  "A calendar date, YYYY-MM-DD."
  scalar Date

  enum QuotationStatus { draft sent approved rejected converted expired }
  enum Channel { web agent phone email partner }

  input QuotationFilter {
    "Any of these statuses (all when absent)."
    status: [QuotationStatus!]
    "Departures on or after this date."
    from: Date
    "Departures on or before this date."
    to: Date
  }

  input DateRange {
    from: Date!
    to: Date!
  }

  "What quotationAnalytics groups by; months are of the date the quotation was made."
  enum QuotationDimension { DESTINATION ITINERARY SERVICE_LEVEL CHANNEL STATUS QUOTED_MONTH DEPARTURE_MONTH }

  type Query {
    "Quotations, newest first."
    quotations(filter: QuotationFilter, first: Int = 20, after: String): QuotationConnection!
    quotation(id: ID!): Quotation
    "Quotations made in the date range, aggregated in PostgreSQL by the dimensions asked for."
    quotationAnalytics(dateRange: DateRange!, groupBy: [QuotationDimension!]!): [QuotationAnalyticsRow!]!
  }

  type QuotationConnection {
    edges: [QuotationEdge!]!
    pageInfo: PageInfo!
    "Quotations matching the filter, all pages together."
    totalCount: Int!
  }

  type QuotationEdge {
    cursor: String!
    node: Quotation!
  }

  type PageInfo {
    hasNextPage: Boolean!
    endCursor: String
  }

  type Quotation {
    id: ID!
    status: QuotationStatus!
    channel: Channel!
    customerId: ID!
    itinerary: Itinerary!
    departureDate: Date!
    partySize: Int!
    currency: String!
    "The current version: the last entry of versions."
    version: Int!
    quotedAt: String!
    priceTotal: Float!
    "What it costs us (pricing-manager, admin)."
    costTotal: Float!
    "priceTotal − costTotal (pricing-manager, admin)."
    margin: Float!
    "margin / priceTotal (pricing-manager, admin)."
    marginRate: Float
    "Items of the current version."
    hotelItems: [QuotationItem!]!
    transportItems: [QuotationItem!]!
    serviceItems: [QuotationItem!]!
    guideAssignments: [GuideAssignment!]!
    "The price history, oldest first."
    versions: [QuotationVersion!]!
    "The scheduled departure, when the quotation is for one."
    departure: Departure
    "The booking it became, when it did."
    booking: Booking
  }

  type Itinerary {
    id: ID!
    code: String!
    name: String!
    destination: String!
    serviceLevel: String!
    durationDays: Int!
  }

  type QuotationItem {
    lineNo: Int!
    name: String!
    dayNumber: Int
    unit: String!
    nights: Int!
    quantity: Float!
    detail: String!
    "Catalogue cost per unit (pricing-manager, admin)."
    unitCost: Float!
    "Cost of the line (pricing-manager, admin)."
    amount: Float!
  }

  type GuideAssignment {
    lineNo: Int!
    name: String!
    dayNumber: Int
    "The language the group is guided in."
    language: String!
    "Guides for the group."
    guides: Float!
    detail: String!
    "Cost of the guides (pricing-manager, admin)."
    amount: Float!
  }

  type QuotationVersion {
    version: Int!
    priceTotal: Float!
    "pricing-manager, admin"
    costTotal: Float!
    "pricing-manager, admin"
    margin: Float!
    priceSource: String!
    changedBy: String!
    changeReason: String
    at: String!
  }

  type Departure {
    id: ID!
    departureDate: Date!
    capacity: Int!
    seatsSold: Int!
    seatsLeft: Int!
    status: String!
  }

  type Booking {
    id: ID!
    status: String!
    partySize: Int!
    totalPrice: Float!
    "pricing-manager, admin"
    totalCost: Float
    currency: String!
    bookedAt: String!
    quotation: Quotation
  }

  type QuotationAnalyticsRow {
    destination: String
    itinerary: String
    serviceLevel: String
    channel: String
    status: String
    quotedMonth: String
    departureMonth: String
    quotations: Int!
    travellers: Int!
    "Quotations that became bookings."
    converted: Int!
    conversionRate: Float!
    quotedValue: Float!
    averagePrice: Float!
    "pricing-manager, admin"
    costTotal: Float!
    "pricing-manager, admin"
    margin: Float!
    "pricing-manager, admin"
    marginRate: Float
  }

  input MemberInput {
    "Only when changing a quotation: keeps that member's access."
    id: Int
    name: String!
  }

  input ComponentInput {
    kind: String!
    name: String!
    dayNumber: Int
    nights: Int
    unit: String!
    unitCost: Float!
    unitCapacity: Int
    currency: String
  }

  input CreateQuotationInput {
    customerId: Int!
    itineraryId: Int!
    departureDate: Date!
    partySize: Int!
    channel: Channel!
    "The guide's language; the customer's when absent."
    language: String
    members: [MemberInput!]
    "Who shares a room: lists of traveller numbers, from 0."
    rooms: [[Int!]!]
    "A tailor-made list instead of the itinerary's components."
    components: [ComponentInput!]
  }

  input UpdateQuotationInput {
    id: ID!
    "Why it changes: kept in the price history."
    reason: String!
    partySize: Int
    departureDate: Date
    language: String
    members: [MemberInput!]
    rooms: [[Int!]!]
    components: [ComponentInput!]
  }

  type MemberAccess {
    id: ID!
    name: String!
    "The member's private link token: shown once, here."
    accessToken: String
  }

  type QuotationPayload {
    quotation: Quotation!
    "The version the change produced (a suggestion inside its auto-accept band gives the next one at once)."
    version: Int!
    priceSource: String!
    "Why the price is cost-plus when the scoring API could not be reached."
    fallbackReason: String
    "pending, auto_accepted, or null when there is no suggestion."
    suggestionState: String
    members: [MemberAccess!]!
  }

  type Mutation {
    "Costs and prices a new quotation (quotation-engine, pricing-manager, admin)."
    createQuotation(input: CreateQuotationInput!): QuotationPayload
    "Changes a quotation: a new version, priced again (quotation-engine, pricing-manager, admin)."
    updateQuotation(input: UpdateQuotationInput!): QuotationPayload
  }
`;
