/** A page of quotations with everything on them but costs: what the SQL-count test and the bench ask for. */
export const PAGE = `query Page($first: Int!, $after: String, $filter: QuotationFilter) {
  quotations(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id status partySize departureDate version priceTotal
      itinerary { code name destination serviceLevel }
      hotelItems { lineNo name nights quantity }
      transportItems { lineNo name quantity }
      serviceItems { name }
      guideAssignments { name language guides }
      versions { version priceTotal priceSource changedBy changeReason }
      departure { id departureDate capacity seatsSold seatsLeft }
      booking { id status totalPrice }
    } }
  }
}`;
