# The bank's staff and the systems the Internet Banking System relies on.
supportStaff = person "Customer Service Staff" "Customer service staff within the bank." "Bank Staff"
backoffice = person "Back Office Staff" "Administration and support staff within the bank." "Bank Staff"

mainframe = softwareSystem "Mainframe Banking System" "Stores all of the core banking information about customers, accounts, transactions, etc." "Existing System"
email = softwareSystem "E-mail System" "The internal Microsoft Exchange e-mail system." "Existing System"
atm = softwareSystem "ATM" "Allows customers to withdraw cash." "Existing System"
